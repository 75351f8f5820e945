package org.wsiarchive.core.audit;

/**
 * Who asks, through which protocol, from where: every service call carries one, so that audit records are the
 * same whichever adapter (DICOMweb, DIMSE, HL7, FHIR) the request came through.
 */
public record Requester(String protocol, String userId, String remoteHost) {
    public static final String DICOMWEB = "DICOMWEB";
    public static final String DIMSE = "DIMSE";
    public static final String SYSTEM = "SYSTEM";

    public static Requester system() {
        return new Requester(SYSTEM, "archive", "localhost");
    }
}
