package org.wsiarchive.converter.dimse;

/**
 * A DIMSE peer: its application entity title, host and port, written {@code AET@HOST:PORT} on the command line (an
 * IPv6 address in brackets: {@code ARCHIVE@[::1]:11112}).
 */
public record DicomNode(String aeTitle, String host, int port) {

    public DicomNode {
        checkAeTitle(aeTitle, "called AE title");
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("no host given");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 1 and 65535");
        }
    }

    /** Parses {@code AET@HOST:PORT}; the message of the exception says what is wrong. */
    public static DicomNode parse(String text) {
        int at = text.lastIndexOf('@');
        int colon = text.lastIndexOf(':');
        if (at <= 0 || colon < at + 2 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected AET@HOST:PORT, got \"" + text + "\"");
        }
        String host = text.substring(at + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address needs brackets: AET@[ADDRESS]:PORT, got \"" + text + "\"");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port \"" + text.substring(colon + 1) + "\" is not a number");
        }
        return new DicomNode(text.substring(0, at), host, port);
    }

    /**
     * An AE title (VR AE): 1 to 16 characters of the default repertoire, no backslash, no control characters, not only
     * spaces.
     */
    public static String checkAeTitle(String aet, String what) {
        if (aet == null || aet.isBlank() || aet.length() > 16
                || !aet.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '\\')) {
            throw new IllegalArgumentException(what + " \"" + aet + "\" is not a valid AE title (1-16 printable ASCII"
                    + " characters, no backslash)");
        }
        return aet;
    }

    @Override
    public String toString() {
        return aeTitle + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
