package org.wsiarchive.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the archive on one machine: starts PostgreSQL (embedded, or uses an external one), prepares a WildFly server
 * base directory under the data directory, deploys the archive EAR there and runs WildFly as a child process until it
 * exits or the launcher is stopped (Ctrl-C / SIGTERM: WildFly is stopped first, then PostgreSQL).
 *
 * <pre>
 * java -jar archive-launcher-runnable.jar --wildfly-home DIR --ear FILE
 * </pre>
 *
 * <p>Arguments:
 * <ul>
 *   <li>{@code --wildfly-home DIR}: the configured WildFly (e.g. archive-ear/server/target/wildfly-39.0.1.Final);
 *       only read, never written</li>
 *   <li>{@code --ear FILE}: the archive application (e.g. archive-ear/ear/target/wsi-archive.ear)</li>
 *   <li>{@code --help}: prints the arguments and environment variables</li>
 * </ul>
 *
 * <p>Environment variables:
 * <ul>
 *   <li>{@code ARCHIVE_DATA_DIR}: everything the archive keeps; default {@code ./archive-data} (made absolute).
 *       Holds {@code postgres/} (embedded database), {@code storage/} (DICOM objects, system property
 *       {@code archive.storage.dir}) and {@code wildfly/} (server base dir: configuration copied from the WildFly home
 *       on every start, deployments, logs, data).</li>
 *   <li>{@code ARCHIVE_DB_URL}: JDBC URL of an external PostgreSQL database; when set, no embedded PostgreSQL is
 *       started.</li>
 *   <li>{@code ARCHIVE_DB_USER}, {@code ARCHIVE_DB_PASSWORD}: credentials for {@code ARCHIVE_DB_URL}; default
 *       {@code archive} / {@code archive}. Ignored for the embedded database (always archive/archive).</li>
 *   <li>{@code ARCHIVE_DB_PORT}: TCP port of the embedded PostgreSQL on localhost; default {@value #DEFAULT_DB_PORT}
 *       (next to a system PostgreSQL on 5432); 0 picks a free port.</li>
 *   <li>{@code ARCHIVE_PORT_OFFSET}: WildFly {@code jboss.socket.binding.port-offset}; default 0 (HTTP 8080,
 *       management 9990).</li>
 *   <li>{@code ARCHIVE_ALLOW_OVERWRITE}: {@code true}/{@code false} (also 1/0, yes/no); whether a STOW of an
 *       instance that is already stored replaces it (system property {@code archive.storage.allow-overwrite});
 *       default false.</li>
 *   <li>{@code ARCHIVE_OIDC_ISSUER}: turns bearer-token security on: the OpenID Connect provider's issuer URL (its
 *       discovery document is {@code ISSUER/.well-known/openid-configuration}); WildFly then runs with the server
 *       configuration {@code standalone-oidc.xml} and every /dicom-web and /api request needs a valid token. Off when
 *       unset. With it: {@code ARCHIVE_OIDC_CLIENT_ID} (default {@value #DEFAULT_OIDC_CLIENT_ID}),
 *       {@code ARCHIVE_OIDC_VERIFY_AUDIENCE} (tokens must name the client id in {@code aud}; default false),
 *       {@code ARCHIVE_OIDC_READ_ROLE} / {@code ARCHIVE_OIDC_WRITE_ROLE} (role needed for GET/HEAD, for everything
 *       else; default: none, any valid token), {@code ARCHIVE_OIDC_PRINCIPAL_CLAIM} (the claim naming the user in
 *       the audit trail; default preferred_username). All are passed on as {@code archive.oidc.*} system
 *       properties.</li>
 *   <li>{@code ARCHIVE_JAVA_OPTS}: extra JVM options for WildFly, appended after the defaults (so e.g.
 *       {@code -Xmx8g} overrides the default heap, {@code -Djboss.bind.address=0.0.0.0} listens on all
 *       interfaces).</li>
 * </ul>
 */
public final class ArchiveLauncher {

    static final int DEFAULT_DB_PORT = 5433;
    static final String DEFAULT_OIDC_CLIENT_ID = "wsi-archive";
    /** WildFly's configuration with the OIDC secure deployments (archive-ear/server, configure-oidc.cli). */
    static final String OIDC_SERVER_CONFIG = "standalone-oidc.xml";
    static final int HTTP_PORT = 8080;
    static final int MANAGEMENT_PORT = 9990;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    static final String DEFAULT_JAVA_OPTS = "-Xms256m -Xmx2g -Djava.net.preferIPv4Stack=true"
            + " -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true"
            + " --enable-native-access=ALL-UNNAMED";

    static final String HELP = """
            Usage: java -jar archive-launcher-runnable.jar --wildfly-home DIR --ear FILE

            Starts PostgreSQL (embedded unless ARCHIVE_DB_URL is set), then WildFly with the archive EAR, and waits
            until DICOMweb answers. Ctrl-C / SIGTERM stops WildFly, then PostgreSQL.

            Arguments:
              --wildfly-home DIR   configured WildFly 39 (e.g. archive-ear/server/target/wildfly-39.0.1.Final)
              --ear FILE           archive application (e.g. archive-ear/ear/target/wsi-archive.ear)
              --help               this text

            Environment variables:
              ARCHIVE_DATA_DIR         data directory (default ./archive-data, made absolute); holds postgres/
                                       (embedded database), storage/ (DICOM objects) and wildfly/ (server base dir)
              ARCHIVE_DB_URL           JDBC URL of an external PostgreSQL; when set no embedded PostgreSQL is started
              ARCHIVE_DB_USER          user for ARCHIVE_DB_URL (default archive)
              ARCHIVE_DB_PASSWORD      password for ARCHIVE_DB_URL (default archive)
              ARCHIVE_DB_PORT          port of the embedded PostgreSQL (default %d; 0 = a free port)
              ARCHIVE_PORT_OFFSET      WildFly port offset (default 0: HTTP 8080, management 9990)
              ARCHIVE_ALLOW_OVERWRITE  true/false: a STOW of an already stored instance replaces it (default false)
              ARCHIVE_OIDC_ISSUER      OpenID Connect issuer URL: turns bearer-token security on for /dicom-web
                                       and /api (default: unset, security off)
              ARCHIVE_OIDC_CLIENT_ID   the archive's client id at the provider (default %s)
              ARCHIVE_OIDC_VERIFY_AUDIENCE  true/false: tokens must name the client id in aud (default false)
              ARCHIVE_OIDC_READ_ROLE   role a token needs for GET/HEAD (default: none, any valid token)
              ARCHIVE_OIDC_WRITE_ROLE  role a token needs for STOW, uploads, anything else (default: none)
              ARCHIVE_OIDC_PRINCIPAL_CLAIM  claim naming the user in the audit trail (default preferred_username)
              ARCHIVE_JAVA_OPTS        extra JVM options for WildFly, appended to the defaults:
                                       %s
            """.formatted(DEFAULT_DB_PORT, DEFAULT_OIDC_CLIENT_ID, DEFAULT_JAVA_OPTS);

    /** Invalid arguments or environment: message to print, exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Bearer-token security: the provider and what tokens must carry; the WildFly system properties it becomes. */
    record Oidc(String issuer, String clientId, boolean verifyAudience, String readRole, String writeRole,
                String principalClaim) {

        List<String> systemProperties() {
            List<String> p = new ArrayList<>();
            p.add("-Darchive.oidc.issuer=" + issuer);
            p.add("-Darchive.oidc.client-id=" + clientId);
            p.add("-Darchive.oidc.verify-audience=" + verifyAudience);
            p.add("-Darchive.oidc.principal-claim=" + principalClaim);
            if (readRole != null) p.add("-Darchive.oidc.read-role=" + readRole);
            if (writeRole != null) p.add("-Darchive.oidc.write-role=" + writeRole);
            return p;
        }

        String describe() {
            return "bearer tokens from " + issuer + " (client " + clientId + (verifyAudience ? ", audience checked" : "")
                    + "; reads need " + (readRole == null ? "any valid token" : "role " + readRole)
                    + ", writes " + (writeRole == null ? "any valid token" : "role " + writeRole) + ")";
        }

        /** null when ARCHIVE_OIDC_ISSUER is unset: security off. */
        static Oidc from(Map<String, String> env) throws UsageException {
            String issuer = Config.blankToNull(env.get("ARCHIVE_OIDC_ISSUER"));
            if (issuer == null) {
                return null;
            }
            URI uri;
            try {
                uri = new URI(issuer);
            } catch (java.net.URISyntaxException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new UsageException("ARCHIVE_OIDC_ISSUER must be the provider's http(s) issuer URL: " + issuer);
            }
            // WildFly discovers ISSUER/.well-known/openid-configuration; a trailing slash would double it
            String trimmed = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
            return new Oidc(trimmed,
                    Config.orDefault(env.get("ARCHIVE_OIDC_CLIENT_ID"), DEFAULT_OIDC_CLIENT_ID).trim(),
                    Config.boolVar(env, "ARCHIVE_OIDC_VERIFY_AUDIENCE", false),
                    Config.blankToNull(env.get("ARCHIVE_OIDC_READ_ROLE")),
                    Config.blankToNull(env.get("ARCHIVE_OIDC_WRITE_ROLE")),
                    Config.orDefault(env.get("ARCHIVE_OIDC_PRINCIPAL_CLAIM"), "preferred_username").trim());
        }
    }

    record Config(Path dataDir, String dbUrl, String dbUser, String dbPassword, int dbPort, int portOffset,
                  boolean allowOverwrite, Oidc oidc, String extraJavaOpts, Path wildflyHome, Path ear) {

        boolean secured() {
            return oidc != null;
        }

        boolean externalDb() {
            return dbUrl != null;
        }

        int httpPort() {
            return HTTP_PORT + portOffset;
        }

        int managementPort() {
            return MANAGEMENT_PORT + portOffset;
        }

        String dicomWebRoot() {
            return "http://localhost:" + httpPort() + "/dicom-web";
        }

        Path serverBaseDir() {
            return dataDir.resolve("wildfly");
        }

        Path storageDir() {
            return dataDir.resolve("storage");
        }

        Path postgresDir() {
            return dataDir.resolve("postgres");
        }

        static Config from(String[] args, Map<String, String> env) throws UsageException {
            Path wildflyHome = null;
            Path ear = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                switch (arg) {
                    case "--wildfly-home", "--ear" -> {
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                throw new UsageException(arg + " needs a value");
                            }
                            value = args[++i];
                        }
                        Path p = Path.of(value).toAbsolutePath().normalize();
                        if (arg.equals("--ear")) {
                            ear = p;
                        } else {
                            wildflyHome = p;
                        }
                    }
                    default -> throw new UsageException("unknown argument: " + args[i]);
                }
            }
            if (wildflyHome == null || ear == null) {
                throw new UsageException("--wildfly-home and --ear are required");
            }
            if (!Files.isRegularFile(wildflyHome.resolve("bin/standalone.sh"))
                    || !Files.isDirectory(wildflyHome.resolve("standalone/configuration"))) {
                throw new UsageException("not a WildFly installation (no bin/standalone.sh or standalone/configuration): "
                        + wildflyHome + " - build it first (mvn install)");
            }
            if (!Files.isRegularFile(ear)) {
                throw new UsageException("EAR not found: " + ear + " - build it first (mvn install)");
            }

            Path dataDir = Path.of(env.getOrDefault("ARCHIVE_DATA_DIR", "").isBlank()
                    ? "archive-data" : env.get("ARCHIVE_DATA_DIR")).toAbsolutePath().normalize();
            String dbUrl = blankToNull(env.get("ARCHIVE_DB_URL"));
            if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
                throw new UsageException("ARCHIVE_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): " + dbUrl);
            }
            String dbUser = orDefault(env.get("ARCHIVE_DB_USER"), EmbeddedDatabase.USER);
            String dbPassword = env.get("ARCHIVE_DB_PASSWORD") != null ? env.get("ARCHIVE_DB_PASSWORD") : EmbeddedDatabase.PASSWORD;
            int dbPort = intVar(env, "ARCHIVE_DB_PORT", DEFAULT_DB_PORT, 0, 65535);
            int offset = intVar(env, "ARCHIVE_PORT_OFFSET", 0, 0, 65535 - MANAGEMENT_PORT - 3);
            boolean overwrite = boolVar(env, "ARCHIVE_ALLOW_OVERWRITE", false);
            Oidc oidc = Oidc.from(env);
            if (oidc != null && !Files.isRegularFile(wildflyHome.resolve("standalone/configuration").resolve(OIDC_SERVER_CONFIG))) {
                throw new UsageException("ARCHIVE_OIDC_ISSUER is set but " + wildflyHome + " has no " + OIDC_SERVER_CONFIG
                        + " - rebuild the server (mvn install)");
            }
            String extra = orDefault(env.get("ARCHIVE_JAVA_OPTS"), "").trim();
            return new Config(dataDir, dbUrl, dbUser, dbPassword, dbPort, offset, overwrite, oidc, extra, wildflyHome, ear);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.trim();
        }

        private static String orDefault(String s, String def) {
            return s == null || s.isBlank() ? def : s;
        }

        private static int intVar(Map<String, String> env, String name, int def, int min, int max) throws UsageException {
            String v = blankToNull(env.get(name));
            if (v == null) {
                return def;
            }
            try {
                int n = Integer.parseInt(v);
                if (n < min || n > max) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException e) {
                throw new UsageException(name + " must be an integer from " + min + " to " + max + ": " + v);
            }
        }

        private static boolean boolVar(Map<String, String> env, String name, boolean def) throws UsageException {
            String v = blankToNull(env.get(name));
            if (v == null) {
                return def;
            }
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new UsageException(name + " must be true or false: " + v);
            };
        }
    }

    private final Config config;
    private EmbeddedDatabase embeddedDb;
    private volatile Process wildfly;
    private volatile boolean stopped;

    ArchiveLauncher(Config config) {
        this.config = config;
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", System.getProperty("org.slf4j.simpleLogger.showShortLogName", "true"));
        System.setProperty("org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile", "System.out"));
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                System.out.print(HELP);
                System.exit(0);
            }
        }
        Config config;
        try {
            config = Config.from(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("archive-launcher: " + e.getMessage());
            System.err.println();
            System.err.print(HELP);
            System.exit(2);
            return;
        }
        int code;
        try {
            code = new ArchiveLauncher(config).run();
        } catch (Exception e) {
            System.err.println("\narchive-launcher: FAILED: " + e.getMessage());
            if (e.getCause() != null && e.getCause().getMessage() != null
                    && !String.valueOf(e.getMessage()).contains(e.getCause().getMessage())) {
                System.err.println("  caused by: " + e.getCause());
            }
            code = 1;
        }
        System.exit(code);
    }

    /** Runs until WildFly exits; returns the exit code for the launcher. */
    int run() throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "archive-launcher-shutdown"));
        try {
            return runServers();
        } finally {
            stop();
        }
    }

    private int runServers() throws Exception {
        stopOrphanedWildFly();
        checkPortFree(config.httpPort(), "HTTP");
        checkPortFree(config.managementPort(), "management");
        Files.createDirectories(config.dataDir());
        Files.createDirectories(config.storageDir());

        String dbUrl;
        String dbUser;
        String dbPassword;
        if (config.externalDb()) {
            dbUrl = config.dbUrl();
            dbUser = config.dbUser();
            dbPassword = config.dbPassword();
            checkExternalDatabase(dbUrl, dbUser, dbPassword);
        } else {
            if (config.dbPort() != 0 && !portFree(config.dbPort())) {
                throw new IOException("port " + config.dbPort() + " for the embedded PostgreSQL is already in use"
                        + " (another archive running?); set ARCHIVE_DB_PORT to another port, or 0 for a free one");
            }
            log("starting the embedded PostgreSQL in " + config.postgresDir());
            EmbeddedDatabase db = EmbeddedDatabase.start(config.postgresDir(), config.dbPort());
            synchronized (this) {
                embeddedDb = db;
                if (stopped) { // stopped while starting
                    db.close();
                    return 130;
                }
            }
            if (!db.detachShutdownHook()) {
                log("note: could not take over the embedded PostgreSQL's shutdown hook; on Ctrl-C it may stop"
                        + " in parallel with WildFly (run with --add-opens java.base/java.lang=ALL-UNNAMED)");
            }
            dbUrl = db.jdbcUrl();
            dbUser = db.user();
            dbPassword = db.password();
        }

        Path deployed = prepareServerBaseDir();
        Process process = startWildFly(dbUrl, dbUser, dbPassword);
        int ready = waitUntilReady(process, deployed);
        if (ready != 0) {
            return ready;
        }
        System.out.println();
        System.out.println("Archive ready: DICOMweb " + config.dicomWebRoot() + "  (QIDO " + config.dicomWebRoot()
                + "/studies, STOW POST " + config.dicomWebRoot() + "/studies)");
        System.out.println("  data directory: " + config.dataDir());
        System.out.println("  database:       " + dbUrl + " (user " + dbUser + ", "
                + (config.externalDb() ? "external PostgreSQL" : "embedded PostgreSQL, data in " + config.postgresDir()) + ")");
        System.out.println("  storage:        " + config.storageDir() + (config.allowOverwrite() ? " (overwrite allowed)" : ""));
        System.out.println("  security:       " + (config.secured() ? config.oidc().describe() : "off (no ARCHIVE_OIDC_ISSUER)"));
        System.out.println("  WildFly:        " + config.wildflyHome() + ", base dir " + config.serverBaseDir()
                + ", management http://localhost:" + config.managementPort());
        System.out.println("Press Ctrl-C to stop.");
        System.out.println();

        int code = process.waitFor();
        if (!stopped) {
            log("WildFly exited with code " + code);
        }
        return code;
    }

    /**
     * Server base dir $DATA/wildfly: configuration copied from the WildFly home on every start (so a rebuilt
     * configuration applies), deployments/ with the current EAR only. Returns the deployed EAR path.
     */
    Path prepareServerBaseDir() throws IOException {
        Path base = config.serverBaseDir();
        Path source = config.wildflyHome().resolve("standalone/configuration");
        Path target = base.resolve("configuration");
        Files.createDirectories(target);
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(source) && dir.getFileName().toString().equals("standalone_xml_history")) {
                    return FileVisitResult.SKIP_SUBTREE; // WildFly's own runtime history
                }
                Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, target.resolve(source.relativize(file).toString()),
                        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });

        Path deployments = base.resolve("deployments");
        Files.createDirectories(deployments);
        String earName = config.ear().getFileName().toString();
        // one archive application only: drop older EARs and the scanner's markers, so it deploys afresh
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(deployments)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                boolean otherEar = name.endsWith(".ear") && !name.equals(earName);
                boolean marker = name.matches(".+\\.ear\\.(deployed|failed|undeployed|isdeploying|isundeploying|pending|skipdeploy|dodeploy)");
                if ((otherEar || marker) && Files.isRegularFile(p)) {
                    Files.delete(p);
                }
            }
        }
        Path deployed = deployments.resolve(earName);
        Path tmp = deployments.resolve("." + earName + ".copying");
        Files.copy(config.ear(), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, deployed, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return deployed;
    }

    Process startWildFly(String dbUrl, String dbUser, String dbPassword) throws IOException {
        Path script = config.wildflyHome().resolve("bin/standalone.sh");
        List<String> cmd = new ArrayList<>();
        if (!Files.isExecutable(script)) {
            cmd.add("/bin/sh");
        }
        cmd.add(script.toString());
        cmd.add("-Djboss.server.base.dir=" + config.serverBaseDir());
        cmd.add("-Djboss.socket.binding.port-offset=" + config.portOffset());
        cmd.add("-Darchive.db.url=" + dbUrl);
        cmd.add("-Darchive.db.user=" + dbUser);
        cmd.add("-Darchive.db.password=" + dbPassword);
        cmd.add("-Darchive.storage.dir=" + config.storageDir());
        cmd.add("-Darchive.storage.allow-overwrite=" + config.allowOverwrite());
        cmd.add("-Darchive.ingest.watch-dir=" + config.dataDir().resolve("incoming"));
        if (config.secured()) {
            cmd.add("--server-config=" + OIDC_SERVER_CONFIG);
            cmd.addAll(config.oidc().systemProperties());
        }

        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().directory(config.dataDir().toFile());
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("JAVA"); // standalone.sh would prefer $JAVA over $JAVA_HOME
        env.put("JBOSS_HOME", config.wildflyHome().toString());
        env.remove("JBOSS_BASE_DIR");
        env.remove("JBOSS_LOG_DIR");
        env.remove("JBOSS_CONFIG_DIR");
        env.put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        env.put("JAVA_OPTS", (DEFAULT_JAVA_OPTS + " " + config.extraJavaOpts()).trim());

        log("starting WildFly: " + String.join(" ", cmd).replace("-Darchive.db.password=" + dbPassword,
                "-Darchive.db.password=***"));
        Process p = pb.start();
        Files.writeString(wildflyPidFile(), Long.toString(p.pid()));
        synchronized (this) {
            wildfly = p;
            if (stopped) {
                destroyTree(p);
            }
        }
        return p;
    }

    private Path wildflyPidFile() {
        return config.serverBaseDir().resolve("launcher-wildfly.pid");
    }

    /**
     * A launcher killed with SIGKILL leaves its WildFly running (holding the ports and the data directory): stop it,
     * if the pid recorded at the last start is still that WildFly (its standalone.sh with our server base dir).
     */
    void stopOrphanedWildFly() throws IOException {
        Path pidFile = wildflyPidFile();
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(h -> {
                String cmdLine = h.info().commandLine().orElse("");
                if (cmdLine.contains("standalone.sh") && cmdLine.contains("-Djboss.server.base.dir=" + config.serverBaseDir())) {
                    log("stopping an orphaned WildFly (pid " + pid + ") left running on " + config.serverBaseDir());
                    List<ProcessHandle> all = new ArrayList<>(h.descendants().toList());
                    all.add(h);
                    all.forEach(ProcessHandle::destroy);
                    try {
                        CompletableFuture.allOf(all.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                                .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    } catch (Exception e) {
                        all.forEach(ProcessHandle::destroyForcibly);
                    }
                }
            });
        } catch (NumberFormatException e) {
            // unreadable pid file: ignore
        }
        Files.deleteIfExists(pidFile);
    }

    /** 0 when DICOMweb answers; otherwise the exit code for the launcher (WildFly is then stopped by run()). */
    int waitUntilReady(Process process, Path deployedEar) throws InterruptedException {
        URI probe = URI.create(config.dicomWebRoot() + "/studies");
        Path failedMarker = deployedEar.resolveSibling(deployedEar.getFileName() + ".failed");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        log("waiting up to " + READY_TIMEOUT.toSeconds() + " s for " + probe);
        int lastStatus = -1;
        while (true) {
            if (stopped) {
                return 130; // Ctrl-C / SIGTERM while starting: the shutdown hook stops everything
            }
            if (!process.isAlive()) {
                int code = process.exitValue();
                System.err.println("\narchive-launcher: FAILED: WildFly exited with code " + code
                        + " before the archive was ready (see its output above, and " + config.serverBaseDir().resolve("log/server.log") + ")");
                return code == 0 ? 1 : code;
            }
            if (Files.exists(failedMarker)) {
                String reason = "";
                try {
                    reason = Files.readString(failedMarker).strip();
                } catch (IOException ignored) {
                    // marker content is optional
                }
                System.err.println("\narchive-launcher: FAILED: the deployment of " + deployedEar.getFileName() + " failed"
                        + (reason.isEmpty() ? "" : ": " + reason));
                return 1;
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(10))
                        .header("Accept", "application/dicom+json").GET().build(), HttpResponse.BodyHandlers.discarding());
                lastStatus = r.statusCode();
                // secured, the deployed WAR answers a request without a token with 401
                if (lastStatus / 100 == 2 || (config.secured() && lastStatus == 401)) {
                    return 0;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                System.err.println("\narchive-launcher: FAILED: " + probe + " did not answer with HTTP 200 within "
                        + READY_TIMEOUT.toSeconds() + " s (last status: " + (lastStatus < 0 ? "no connection" : lastStatus)
                        + "); see " + config.serverBaseDir().resolve("log/server.log"));
                return 1;
            }
            Thread.sleep(1000);
        }
    }

    /** Stops WildFly (and its descendants), then the embedded PostgreSQL. Idempotent; also the shutdown hook. */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        Process p = wildfly;
        if (p != null && p.isAlive()) {
            log("stopping WildFly (pid " + p.pid() + ")");
            destroyTree(p);
        }
        if (embeddedDb != null) {
            log("stopping the embedded PostgreSQL");
            try {
                embeddedDb.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("archive-launcher: could not stop PostgreSQL cleanly: " + e.getMessage());
            }
        }
    }

    /** SIGTERM to the process and all its descendants, wait up to 30 s, then SIGKILL what is left. */
    static void destroyTree(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        all.forEach(ProcessHandle::destroy);
        CompletableFuture<?>[] exits = all.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            System.err.println("archive-launcher: WildFly did not stop within " + STOP_TIMEOUT.toSeconds() + " s, killing it");
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            all.forEach(ProcessHandle::destroyForcibly);
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // an exit future failed: nothing more to wait for
        }
    }

    private static void checkExternalDatabase(String url, String user, String password) throws SQLException {
        log("checking the external PostgreSQL " + url);
        DriverManager.setLoginTimeout(15);
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.isValid(5);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to ARCHIVE_DB_URL " + url + " as " + user + ": " + e.getMessage(), e);
        }
    }

    private static void checkPortFree(int port, String what) throws IOException {
        if (!portFree(port)) {
            throw new IOException("the WildFly " + what + " port " + port + " is already in use (another archive or"
                    + " WildFly running?); stop it or choose another ARCHIVE_PORT_OFFSET");
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void log(String message) {
        System.out.println("[archive-launcher] " + message);
    }
}
