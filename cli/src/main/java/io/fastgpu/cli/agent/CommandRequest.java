package io.fastgpu.cli.agent;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One command line as the thin client hands it to the agent: what a process would have had itself. */
record CommandRequest(List<String> args, String workDir, boolean terminal, Map<String, String> env) {
    byte[] toBody() {
        return Frames.body(out -> {
            out.writeInt(args.size());
            for (String a : args) Frames.writeString(out, a);
            Frames.writeString(out, workDir);
            out.writeBoolean(terminal);
            out.writeInt(env.size());
            for (Map.Entry<String, String> e : env.entrySet()) {
                Frames.writeString(out, e.getKey());
                Frames.writeString(out, e.getValue());
            }
        });
    }

    static CommandRequest fromBody(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        int n = in.readInt();
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n; i++) args.add(Frames.readString(in));
        String workDir = Frames.readString(in);
        boolean terminal = in.readBoolean();
        int m = in.readInt();
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < m; i++) env.put(Frames.readString(in), Frames.readString(in));
        return new CommandRequest(args, workDir, terminal, env);
    }
}
