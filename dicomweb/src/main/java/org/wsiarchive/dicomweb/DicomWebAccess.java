package org.wsiarchive.dicomweb;

import org.wsiarchive.core.audit.Requester;
import org.wsiarchive.http.ArchiveHttpAccess;

/** CORS and bearer-token access for /dicom-web; refused requests are audited as DICOMweb requests. */
public class DicomWebAccess extends ArchiveHttpAccess {
    @Override
    protected String auditProtocol() {
        return Requester.DICOMWEB;
    }
}
