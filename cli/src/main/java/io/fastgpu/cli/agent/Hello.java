package io.fastgpu.cli.agent;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * The handshake: the client's build, and the parts of its environment the agent's own process was started
 * with and uses as such (the user's home, the search path). A different build is refused and the agent
 * stops; a different environment is refused and the client runs the command itself.
 */
record Hello(String build, String userHome, String path) {
    static final String OTHER_BUILD = "build";
    static final String OTHER_ENVIRONMENT = "environment";

    byte[] toBody() {
        return Frames.body(out -> {
            Frames.writeString(out, build);
            Frames.writeString(out, userHome);
            Frames.writeString(out, path);
        });
    }

    static Hello fromBody(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        return new Hello(Frames.readString(in), Frames.readString(in), Frames.readString(in));
    }

    /** This process's. */
    static Hello ofThisProcess(java.util.Map<String, String> env) {
        return new Hello(AgentHome.build(), env.getOrDefault("HOME", ""), env.getOrDefault("PATH", ""));
    }
}
