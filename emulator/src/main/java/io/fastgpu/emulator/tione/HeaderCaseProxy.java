package io.fastgpu.emulator.tione;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback TCP front for the JDK HTTP server that spells {@code Content-Length} as real servers do. The JDK
 * server writes {@code Content-length}, and the COS SDK takes an object's length from a header spelled
 * exactly {@code Content-Length}. Every response closes its connection, so only the first header block of
 * each connection is rewritten; everything else passes through byte for byte.
 */
final class HeaderCaseProxy implements AutoCloseable {
    private static final byte[] END = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private final ServerSocket server;
    private final int target;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tione-emulator-front");
        t.setDaemon(true);
        return t;
    });

    HeaderCaseProxy(int port, int target) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        threads.execute(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket inner = new Socket(InetAddress.getLoopbackAddress(), target);
                client.setTcpNoDelay(true);
                inner.setTcpNoDelay(true);
                threads.execute(() -> pump(client, inner));
                threads.execute(() -> answer(inner, client));
            } catch (IOException e) {
                // closed, or one connection failed: go on while open
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream()) {
            in.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            closeBoth(from, to);
        }
    }

    private static void answer(Socket inner, Socket client) {
        try (InputStream in = inner.getInputStream(); OutputStream out = client.getOutputStream()) {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            boolean headerDone = false;
            while ((n = in.read(buf)) >= 0) {
                if (headerDone) {
                    out.write(buf, 0, n);
                    continue;
                }
                head.write(buf, 0, n);
                byte[] h = head.toByteArray();
                int end = indexOf(h, END);
                if (end >= 0) {
                    String headers = new String(h, 0, end, StandardCharsets.ISO_8859_1).replace("\r\nContent-length:", "\r\nContent-Length:");
                    out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
                    out.write(h, end, h.length - end);
                    headerDone = true;
                }
                out.flush();
            }
            if (!headerDone) {
                out.write(head.toByteArray());
            }
        } catch (IOException e) {
            // a side went away
        } finally {
            closeBoth(inner, client);
        }
    }

    private static int indexOf(byte[] h, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= h.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (h[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void closeBoth(Socket a, Socket b) {
        try {
            a.close();
        } catch (IOException e) {
            // already closed
        }
        try {
            b.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        threads.shutdownNow();
    }
}
