package org.wsiarchive.core.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.wsiarchive.core.config.ArchiveConfiguration;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Instance files are immutable. A new file is written under tmp/, fsync'd and hashed while it streams in, then
 * moved atomically into its final place; a "pending" marker records the move until the index transaction has
 * committed, so that a crash between the move and the commit leaves an orphan that the next start deletes
 * (see {@link #recoverAfterCrash(java.util.function.Predicate)}), never a half-visible instance.
 */
@ApplicationScoped
public class FileStorage {

    private static final Logger LOG = Logger.getLogger(FileStorage.class.getName());
    private static final int COPY_BUFFER = 256 * 1024;

    @Inject
    ArchiveConfiguration configuration;

    public FileStorage() {}

    /** For use outside CDI (tests, tools). */
    public FileStorage(ArchiveConfiguration configuration) {
        this.configuration = configuration;
    }

    /** A received file in tmp/, complete and on disk, not yet part of the archive. */
    public record ReceivedFile(Path path, long size, String sha256) {}

    /** A file moved to its final place whose index commit is pending. */
    public record PlacedFile(String storagePath, Path absolutePath, Path pendingMarker) {}

    public Path root() {
        return configuration.storageRoot();
    }

    private Path tmpDir() throws IOException {
        return Files.createDirectories(root().resolve("tmp"));
    }

    private Path pendingDir() throws IOException {
        return Files.createDirectories(root().resolve("pending"));
    }

    /** Something that writes one object's bytes: a request body, a multipart part, a DIMSE data stream. */
    @FunctionalInterface
    public interface ObjectSource {
        long writeTo(OutputStream out) throws IOException;
    }

    /** Streams {@code in} to a new temporary file, computing its SHA-256, and forces it to disk. */
    public ReceivedFile receive(InputStream in) throws IOException {
        return receive(in::transferTo);
    }

    /** Streams the source to a new temporary file, computing its SHA-256, and forces it to disk. */
    public ReceivedFile receive(ObjectSource source) throws IOException {
        Path tmp = tmpDir().resolve(UUID.randomUUID() + ".part");
        MessageDigest sha = sha256();
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha)) {
            long size = source.writeTo(out);
            out.flush();
            channel.force(true);
            return new ReceivedFile(tmp, size, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Moves a received file atomically to its final place, leaving a pending marker until {@link #confirm}. */
    public PlacedFile place(ReceivedFile file) throws IOException {
        LocalDate today = LocalDate.now();
        String relative = String.format("%04d/%02d/%02d/%s.dcm",
                today.getYear(), today.getMonthValue(), today.getDayOfMonth(), UUID.randomUUID());
        Path target = root().resolve(relative);
        Files.createDirectories(target.getParent());
        Path marker = pendingDir().resolve(UUID.randomUUID().toString());
        Files.writeString(marker, relative, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        Files.move(file.path(), target, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(target.getParent());
        return new PlacedFile(relative, target, marker);
    }

    /** The index transaction has committed: the file is now part of the archive. */
    public void confirm(PlacedFile placed) throws IOException {
        Files.deleteIfExists(placed.pendingMarker());
    }

    /** The index transaction failed or found the instance already stored: remove the file again. */
    public void discard(PlacedFile placed) {
        try {
            Files.deleteIfExists(placed.absolutePath());
            Files.deleteIfExists(placed.pendingMarker());
        } catch (IOException e) {
            LOG.warning("could not remove " + placed.absolutePath() + ": " + e);
        }
    }

    public void discard(ReceivedFile file) {
        try {
            Files.deleteIfExists(file.path());
        } catch (IOException e) {
            LOG.warning("could not remove " + file.path() + ": " + e);
        }
    }

    public Path resolve(String storagePath) {
        return root().resolve(storagePath);
    }

    /**
     * Start-up recovery: temporary files are incomplete receptions and go; a pending marker whose file the index
     * does not know means a crash between move and commit, so that file goes too.
     *
     * @param indexed tells whether a storage path is referenced by the index
     * @return the number of files removed
     */
    public int recoverAfterCrash(java.util.function.Predicate<String> indexed) throws IOException {
        int removed = 0;
        try (Stream<Path> tmp = Files.list(tmpDir())) {
            for (Path p : (Iterable<Path>) tmp::iterator) {
                Files.deleteIfExists(p);
                removed++;
            }
        }
        try (Stream<Path> markers = Files.list(pendingDir())) {
            for (Path marker : (Iterable<Path>) markers::iterator) {
                String relative = Files.readString(marker).trim();
                if (!relative.isEmpty() && !indexed.test(relative)) {
                    if (Files.deleteIfExists(root().resolve(relative))) {
                        removed++;
                    }
                }
                Files.deleteIfExists(marker);
            }
        }
        return removed;
    }

    private static void forceDirectory(Path dir) {
        // fsync of the directory makes the rename durable; not every file system allows opening a directory
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // best effort
        }
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
