package org.wsiarchive.converter.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;

/** UIDs under the 2.25 (UUID-derived) root, so no registered organisation root is needed. */
public final class Uids {
    private Uids() {
    }

    /** Fixed ImplementationClassUID of this converter (a 2.25 UID from a UUID generated once). */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.57442776762074099470583780037375315206";
    public static final String IMPLEMENTATION_VERSION_NAME = "WSIARCHIVE_CONV1";

    public static String newUid() {
        return fromUuid(UUID.randomUUID());
    }

    public static String fromUuid(UUID u) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits());
        b.putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }

    public static boolean isValid(String uid) {
        return uid != null && uid.length() <= 64 && uid.matches("(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))+");
    }
}
