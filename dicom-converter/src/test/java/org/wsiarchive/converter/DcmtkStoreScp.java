package org.wsiarchive.converter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * dcmtk's {@code storescp} as the C-STORE peer of the tests, listening on loopback only: storescp 3.6.7 itself
 * cannot bind to one interface, so {@code systemd-socket-activate} owns the socket on 127.0.0.1 and starts
 * {@code storescp --inetd} for every connection. Stopped by PID in {@link #close()}.
 */
final class DcmtkStoreScp implements AutoCloseable {
    final String aeTitle;
    final int port;
    final Path directory;
    private final Process process;
    private final Thread reader;
    private final StringBuffer log = new StringBuffer();

    static boolean available() {
        return TestSupport.onPath("storescp") && TestSupport.onPath("systemd-socket-activate");
    }

    DcmtkStoreScp(String aeTitle, Path directory, String... moreOptions) throws IOException, InterruptedException {
        this.aeTitle = aeTitle;
        this.directory = directory;
        this.port = freeLoopbackPort();
        List<String> cmd = new ArrayList<>(List.of("systemd-socket-activate", "-l", "127.0.0.1:" + port, "--inetd", "-a",
                // +xa: accept every transfer syntax storescp knows (each of our contexts proposes exactly one)
                "storescp", "--inetd", "-od", directory.toString(), "-aet", aeTitle, "+xa"));
        cmd.addAll(List.of(moreOptions));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CountDownLatch listening = new CountDownLatch(1);
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.append(line).append('\n');
                    if (line.startsWith("Listening on")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                log.append(e).append('\n');
            }
            listening.countDown();
        }, "storescp-log");
        reader.setDaemon(true);
        reader.start();
        // readiness, not a timing assertion: the socket exists once the activator says so
        if (!listening.await(60, TimeUnit.SECONDS) || !process.isAlive()) {
            close();
            throw new IOException("storescp (socket-activated) did not start: " + log);
        }
    }

    String address() {
        return aeTitle + "@127.0.0.1:" + port;
    }

    String log() {
        return log.toString();
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Connections the activator accepted; complete only after {@link #close()} (its log is read to the end then). */
    long connections() {
        return log().lines().filter(l -> l.startsWith("Connection from")).count();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(10_000);
    }
}
