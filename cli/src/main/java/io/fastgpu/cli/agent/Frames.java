package io.fastgpu.cli.agent;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The agent's wire format: frames of a type byte, a length and a body, over the agent's socket. The first
 * frame each way is the handshake ({@link #HELLO} with the build, answered {@link #OK} or {@link #REFUSED});
 * then one command: its request, then output, stdin on demand, signals, and its exit code.
 */
final class Frames {
    // client → agent
    static final byte HELLO = 1;
    static final byte REQUEST = 2;
    static final byte STDIN = 3;
    static final byte STDIN_EOF = 4;
    static final byte SIGNAL = 5;
    // agent → client
    static final byte OK = 10;
    static final byte REFUSED = 11;
    static final byte OUT = 12;
    static final byte ERR = 13;
    static final byte WANT_STDIN = 14;
    static final byte EXIT = 15;

    /** A frame larger than this is a broken peer, not a command. */
    private static final int MAX_BODY = 64 << 20;

    private Frames() { }

    /** One frame: its type and its body. */
    record Frame(byte type, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }

        int number() {
            return ((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff);
        }
    }

    /** Writes frames to a channel; one writer at a time, whole frames only. */
    static final class Writer {
        private final SocketChannel channel;

        Writer(SocketChannel channel) { this.channel = channel; }

        synchronized void write(byte type, byte[] body, int off, int len) throws IOException {
            ByteBuffer head = ByteBuffer.allocate(5).put(type).putInt(len).flip();
            ByteBuffer data = ByteBuffer.wrap(body, off, len);
            while (head.hasRemaining() || data.hasRemaining()) channel.write(new ByteBuffer[] {head, data});
        }

        void write(byte type, byte[] body) throws IOException { write(type, body, 0, body.length); }

        void write(byte type, String text) throws IOException { write(type, text.getBytes(StandardCharsets.UTF_8)); }

        void write(byte type, int number) throws IOException {
            write(type, ByteBuffer.allocate(4).putInt(number).array());
        }
    }

    /** The next frame from {@code in}, or null at the end of the stream. */
    static Frame read(DataInputStream in) throws IOException {
        int type = in.read();
        if (type < 0) return null;
        int len = in.readInt();
        if (len < 0 || len > MAX_BODY) throw new IOException("a frame of " + len + " bytes");
        byte[] body = new byte[len];
        in.readFully(body);
        return new Frame((byte) type, body);
    }

    /** Reads a channel directly (the JDK's channel streams lock reads and writes against each other). */
    static DataInputStream input(SocketChannel channel) {
        return new DataInputStream(new java.io.BufferedInputStream(new io.fastgpu.core.util.BlockInput() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                int n = channel.read(ByteBuffer.wrap(b, off, len));
                return n; // -1 at the end
            }
        }, 65536));
    }

    /** Strings and maps in a body. */
    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_BODY) throw new EOFException("a string of " + len + " bytes");
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Builds a body with a {@link DataOutputStream}. */
    interface BodyWriter {
        void write(DataOutputStream out) throws IOException;
    }

    static byte[] body(BodyWriter w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** An output stream whose every write is one frame of {@code type}. */
    static OutputStream frameStream(Writer writer, byte type) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) writer.write(type, b, off, len);
            }
        };
    }
}
