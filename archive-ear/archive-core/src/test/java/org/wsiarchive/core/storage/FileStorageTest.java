package org.wsiarchive.core.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wsiarchive.core.config.ArchiveConfiguration;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The file side of ingest: hashing while receiving, atomic placement, and recovery after a crash at each step. */
class FileStorageTest {

    @TempDir
    Path root;

    private FileStorage storage() {
        return new FileStorage(new ArchiveConfiguration() {
            @Override
            public Path storageRoot() {
                return root;
            }
        });
    }

    @Test
    void receiveHashesAndPlaceMovesWithAPendingMarkerUntilConfirmed() throws Exception {
        byte[] content = "DICM and more".getBytes(StandardCharsets.US_ASCII);
        FileStorage storage = storage();
        FileStorage.ReceivedFile received = storage.receive(new ByteArrayInputStream(content));
        assertEquals(content.length, received.size());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)), received.sha256());
        assertTrue(received.path().startsWith(root.resolve("tmp")));

        FileStorage.PlacedFile placed = storage.place(received);
        assertFalse(Files.exists(received.path()), "moved, not copied");
        assertArrayEquals(content, Files.readAllBytes(placed.absolutePath()));
        assertEquals(placed.storagePath(), Files.readString(placed.pendingMarker()));
        storage.confirm(placed);
        assertFalse(Files.exists(placed.pendingMarker()));
        assertTrue(Files.exists(placed.absolutePath()));
    }

    @Test
    void aFailedReceptionLeavesNoTemporaryFile() throws Exception {
        FileStorage storage = storage();
        InputStream failing = new InputStream() {
            int n;
            @Override
            public int read() throws IOException {
                if (n++ > 1000) throw new IOException("connection reset");
                return 7;
            }
        };
        assertThrows(IOException.class, () -> storage.receive(failing));
        try (var files = Files.list(root.resolve("tmp"))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void recoveryRemovesIncompleteReceptionsAndUncommittedFilesButKeepsCommittedOnes() throws Exception {
        FileStorage storage = storage();
        // crash during reception
        FileStorage.ReceivedFile partial = storage.receive(new ByteArrayInputStream(new byte[100]));
        // crash between move and index commit
        FileStorage.PlacedFile uncommitted = storage.place(storage.receive(new ByteArrayInputStream(new byte[10])));
        // crash after the commit, before the marker was removed
        FileStorage.PlacedFile committed = storage.place(storage.receive(new ByteArrayInputStream(new byte[20])));
        // a normal, confirmed instance
        FileStorage.PlacedFile confirmed = storage.place(storage.receive(new ByteArrayInputStream(new byte[30])));
        storage.confirm(confirmed);

        Set<String> index = Set.of(committed.storagePath(), confirmed.storagePath());
        int removed = storage.recoverAfterCrash(index::contains);

        assertEquals(2, removed);
        assertFalse(Files.exists(partial.path()));
        assertFalse(Files.exists(uncommitted.absolutePath()));
        assertTrue(Files.exists(committed.absolutePath()));
        assertTrue(Files.exists(confirmed.absolutePath()));
        try (var markers = Files.list(root.resolve("pending"))) {
            assertEquals(0, markers.count());
        }
    }
}
