package org.wsiarchive.core.retrieve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MappedFilesTest {

    @Test
    void copiesFragmentsOfFramesFromManyFiles(@TempDir Path dir) throws IOException {
        byte[] data = new byte[3_000_000];
        new Random(1).nextBytes(data);
        MappedFiles files = new MappedFiles(4);
        for (int f = 0; f < 10; f++) { // more files than mappings kept
            Path file = dir.resolve(f + ".dcm");
            Files.write(file, data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long n = files.copy(file, new long[]{100, 5000}, new long[]{10, 20}, out);
            assertEquals(30, n);
            byte[] expected = new byte[30];
            System.arraycopy(data, 100, expected, 0, 10);
            System.arraycopy(data, 5000, expected, 10, 20);
            assertArrayEquals(expected, out.toByteArray());
        }
        assertTrue(files.size() <= 5, "mappings kept: " + files.size());
    }

    @Test
    void framesLargerThanAChunkAreCopiedWhole(@TempDir Path dir) throws IOException {
        byte[] data = new byte[3_000_000];
        new Random(2).nextBytes(data);
        Path file = dir.resolve("big.dcm");
        Files.write(file, data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MappedFiles(4).copy(file, new long[]{7}, new long[]{2_500_000}, out);
        assertArrayEquals(Arrays.copyOfRange(data, 7, 2_500_007), out.toByteArray());
    }

    @Test
    void aFrameIndexBeyondTheFileIsAnError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("short.dcm");
        Files.write(file, new byte[100]);
        assertThrows(IOException.class,
                () -> new MappedFiles(4).copy(file, new long[]{90}, new long[]{20}, new ByteArrayOutputStream()));
    }
}
