package io.fastgpu.provider.local;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The environment a local instance's processes start with: what a login on a fresh machine has, never the
 * client's whole environment (which holds the user's cloud keys, tokens and passphrases). Of the client's
 * variables only {@link #INHERITED} and {@code LC_*} pass, and none whose name looks like a credential; HOME
 * is the instance's sandbox. A job's {@code env} and FastGPU's own variables are added per command, on top.
 */
final class LoginEnvironment {
    /** The client's variables a local instance inherits, besides {@code LC_*}. */
    static final Set<String> INHERITED = Set.of("PATH", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TERM", "TMPDIR");
    private static final Pattern CREDENTIAL = Pattern.compile(
            "(ALIYUN|ALIBABA_CLOUD|ALICLOUD|TENCENTCLOUD|AWS)_.*|.*(SECRET|TOKEN|PASSPHRASE|PASSWORD|PASSWD).*");

    private LoginEnvironment() { }

    /** The environment of a process of the instance whose sandbox is {@code home}. */
    static Map<String, String> of(Map<String, String> client, String home) {
        Map<String, String> env = new TreeMap<>();
        client.forEach((k, v) -> {
            if ((INHERITED.contains(k) || k.startsWith("LC_")) && !isCredential(k)) env.put(k, v);
        });
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home);
        return env;
    }

    /** Whether a variable of this name looks like it holds a cloud credential, a token, a password or a passphrase. */
    static boolean isCredential(String name) {
        return CREDENTIAL.matcher(name.toUpperCase(Locale.ROOT)).matches();
    }
}
