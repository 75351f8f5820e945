package org.wsiarchive.core.audit;

/**
 * Who asks, through which protocol, from where: every service call carries one, so that audit records are the
 * same whichever adapter (DICOMweb, DIMSE, HL7, FHIR) the request came through.
 */
public record Requester(String protocol, String userId, String remoteHost) {
    public static final String DICOMWEB = "DICOMWEB";
    public static final String DIMSE = "DIMSE";
    public static final String SYSTEM = "SYSTEM";
    /** the user of a request that carried no credentials (security off, or refused before authentication) */
    public static final String ANONYMOUS = "anonymous";

    public static Requester system() {
        return new Requester(SYSTEM, "archive", "localhost");
    }

    /**
     * The requester of an HTTP request: {@code user} as the container authenticated it (null: anonymous); the host is
     * the peer address, preceded by the first X-Forwarded-For entry when a proxy names the original client (kept as
     * "client via proxy": the forwarded part is only as trustworthy as the proxy).
     */
    public static Requester http(String protocol, String user, String forwardedFor, String remoteAddr) {
        String host = forwardedFor != null && !forwardedFor.isBlank()
                ? forwardedFor.split(",")[0].trim() + " via " + remoteAddr
                : remoteAddr;
        return new Requester(protocol, user == null ? ANONYMOUS : user, host);
    }
}
