package org.wsiarchive.ingest;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.core.config.ArchiveConfiguration;
import org.wsiarchive.core.entity.ConversionJob;
import org.wsiarchive.core.ingest.ConversionJobService;

import java.io.IOException;
import java.nio.file.*;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The watch folder (archive.ingest.watch-dir): every regular file that appears in it becomes a conversion job.
 * A file is taken only when complete: its size and modification time unchanged for
 * {@link ArchiveConfiguration#ingestWatchStableSeconds()} seconds. Names starting with "." or ending in .part,
 * .tmp or .partial are ignored, so a writer can copy under such a name and rename when done (then the file is
 * taken after the stable time, without risk). The file is moved into the job's source folder; files the converter
 * cannot read become FAILED jobs with the reason. Sub-folders are not searched.
 */
@ApplicationScoped
public class WatchFolder {

    private static final Logger LOG = Logger.getLogger(WatchFolder.class.getName());
    static final long POLL_SECONDS = 2;

    @Resource(lookup = "java:comp/DefaultManagedScheduledExecutorService")
    ManagedScheduledExecutorService scheduler;
    @Inject
    ArchiveConfiguration configuration;
    @Inject
    ConversionJobService jobs;
    @Inject
    ConversionWorker worker;

    private record Observed(long size, long modified, long sinceNanos) {}

    private final Map<Path, Observed> observed = new HashMap<>();
    /** Files that could not be taken (e.g. not movable): not retried until they change. */
    private final Set<String> refused = new HashSet<>();
    private ScheduledFuture<?> task;
    private Path dir;

    synchronized void start() {
        if (task != null) return;
        var configured = configuration.ingestWatchDir();
        if (configured.isEmpty()) {
            LOG.info("no watch folder configured (archive.ingest.watch-dir)");
            return;
        }
        dir = configured.get().toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "watch folder " + dir + " cannot be created; not watched", e);
            return;
        }
        task = scheduler.scheduleWithFixedDelay(this::scanSafely, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
        LOG.info("watching " + dir + " for slides to convert (stable after "
                + configuration.ingestWatchStableSeconds() + " s)");
    }

    @PreDestroy
    synchronized void stop() {
        if (task != null) task.cancel(false);
    }

    private void scanSafely() {
        try {
            scan();
        } catch (RuntimeException | IOException e) {
            // an exception would end the periodic task: log and keep watching
            LOG.log(Level.WARNING, "watch folder scan of " + dir + " failed", e);
        }
    }

    synchronized void scan() throws IOException {
        long now = System.nanoTime();
        long stableNanos = TimeUnit.SECONDS.toNanos(configuration.ingestWatchStableSeconds());
        Set<Path> present = new HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (ignored(name)) continue;
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    continue; // gone meanwhile
                }
                if (!a.isRegularFile()) continue;
                present.add(file);
                long modified = a.lastModifiedTime().toMillis();
                if (refused.contains(key(file, a.size(), modified))) continue;
                Observed before = observed.get(file);
                if (before == null || before.size() != a.size() || before.modified() != modified) {
                    observed.put(file, new Observed(a.size(), modified, now));
                    continue;
                }
                if (now - before.sinceNanos() < stableNanos) continue;
                observed.remove(file);
                take(file, a.size(), modified);
            }
        }
        observed.keySet().retainAll(present);
        refused.removeIf(k -> present.stream().noneMatch(p -> k.startsWith(p + "|")));
    }

    private void take(Path file, long size, long modified) {
        String name = file.getFileName().toString();
        Requester who = new Requester(ConversionJobService.INGEST_PROTOCOL, "watch-folder", "localhost");
        ConversionJob job;
        try {
            job = jobs.create(ConversionJob.Origin.WATCH_FOLDER, name, "{}", who, id -> {
                Path target = Files.createDirectories(jobs.sourceDir(id)).resolve(name);
                try {
                    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(file, target); // another file system: copy, then delete
                }
                return Files.size(target);
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "watch folder: " + file + " not taken (left in place until it changes)", e);
            refused.add(key(file, size, modified));
            return;
        }
        LOG.info("watch folder: " + name + " is conversion job " + job.getId());
        worker.submit(job.getId());
    }

    static boolean ignored(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return name.startsWith(".") || lower.endsWith(".part") || lower.endsWith(".tmp") || lower.endsWith(".partial");
    }

    private static String key(Path file, long size, long modified) {
        return file + "|" + size + "|" + modified;
    }
}
