package org.wsiarchive.converter.dimse;

import java.nio.file.Path;
import java.util.List;
import org.wsiarchive.converter.send.SendOutcome;

/** What the C-STORE SCP answered for each file. */
public record CStoreResult(DicomNode peer, List<FileStatus> files) implements SendOutcome {

    /** No C-STORE response: the file was not sent, or the association ended before its response came. */
    public static final int NO_RESPONSE = -1;

    /**
     * One file: the DIMSE status of its C-STORE-RSP ({@link #NO_RESPONSE} when there was none) and the SCP's error
     * comment or why there was no response.
     */
    public record FileStatus(Path file, String sopInstanceUid, int status, String detail) {
        static FileStatus notStored(Path file, String sopInstanceUid, String why) {
            return new FileStatus(file, sopInstanceUid, NO_RESPONSE, why);
        }

        public boolean stored() {
            return CStoreResult.stored(status);
        }

        String describe() {
            String what = status == NO_RESPONSE ? "NOT STORED (no response)"
                    : (stored() ? "stored" : "FAILED") + String.format(" (status 0x%04X%s)", status, meaning(status));
            return file.getFileName() + " " + sopInstanceUid + ": " + what
                    + (detail == null || detail.isBlank() ? "" : " - " + detail);
        }
    }

    /** Success (0000) and the warnings of PS3.4 B.2.3 (B000, B006, B007) mean the SCP stored the instance. */
    static boolean stored(int status) {
        return status == 0x0000 || status == 0xB000 || status == 0xB006 || status == 0xB007;
    }

    /** Names of the C-STORE statuses of PS3.4 Table B.2-1 and PS3.7 C.4.2. */
    static String meaning(int status) {
        return switch (status) {
            case 0x0000 -> "";
            case 0xB000 -> ", warning: coercion of data elements";
            case 0xB006 -> ", warning: elements discarded";
            case 0xB007 -> ", warning: data set does not match SOP class";
            case 0x0122 -> ": SOP class not supported";
            case 0x0124 -> ": not authorized";
            case 0x0210 -> ": duplicate invocation";
            case 0x0211 -> ": unrecognized operation";
            case 0x0212 -> ": mistyped argument";
            default -> (status & 0xFF00) == 0xA700 ? ": out of resources"
                    : (status & 0xFF00) == 0xA900 ? ": data set does not match SOP class"
                    : (status & 0xF000) == 0xC000 ? ": cannot understand" : ": failure";
        };
    }

    public long storedCount() {
        return files.stream().filter(FileStatus::stored).count();
    }

    @Override
    public boolean success() {
        return storedCount() == files.size();
    }

    /** The counts and the first file that was not stored, for the error message. */
    @Override
    public String headline() {
        String counts = storedCount() + " stored, " + (files.size() - storedCount()) + " failed";
        return files.stream().filter(f -> !f.stored()).findFirst().map(f -> counts + " (first: " + f.describe() + ")")
                .orElse(counts);
    }

    @Override
    public String summary() {
        StringBuilder sb = new StringBuilder("C-STORE to ").append(peer).append(": ").append(storedCount())
                .append(" stored, ").append(files.size() - storedCount()).append(" failed");
        for (FileStatus f : files) {
            sb.append("\n  ").append(f.describe());
        }
        return sb.toString();
    }
}
