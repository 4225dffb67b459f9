package io.fastgpu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The shaded CLI jar is the runtime class path merged into one: a class found in two jars there (an old
 * Bouncy Castle beside ours, an older Tencent Cloud common SDK, commons-logging beside jcl-over-slf4j) would
 * be one copy silently dropped. Every class of the CLI's runtime jars must come from one jar only.
 */
class OneCopyOfEachClassTest {
    @Test
    void noClassComesFromTwoJars() throws IOException {
        Map<String, List<String>> where = new HashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.endsWith(".jar") || isTestOnly(entry)) continue;
            try (JarFile jar = new JarFile(entry)) {
                for (JarEntry e : java.util.Collections.list(jar.entries())) {
                    String name = e.getName();
                    if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) continue;
                    where.computeIfAbsent(name, k -> new ArrayList<>()).add(new File(entry).getName());
                }
            }
        }
        Map<String, List<String>> twice = new TreeMap<>();
        where.forEach((cls, jars) -> {
            if (jars.size() > 1) twice.put(cls, jars);
        });
        assertThat(twice).as("classes found in more than one jar").isEmpty();
        assertThat(where).containsKey("com/tencentcloudapi/common/CommonClient.class").containsKey("com/qcloud/cos/COSClient.class");
    }

    /** Test-scope jars are not shaded into the CLI. */
    private static boolean isTestOnly(String jar) {
        String n = new File(jar).getName();
        return n.startsWith("junit-") || n.startsWith("assertj-") || n.startsWith("awaitility") || n.startsWith("hamcrest")
                || n.startsWith("opentest4j") || n.startsWith("apiguardian") || n.startsWith("byte-buddy")
                || n.contains("-tests.jar") || n.startsWith("selenium") || n.startsWith("slf4j-nop") || n.startsWith("slf4j-simple");
    }
}
