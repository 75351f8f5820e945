package org.wsiarchive.ingest;

import org.wsiarchive.core.ingest.ConversionJobService;
import org.wsiarchive.http.ArchiveHttpAccess;

/** CORS and bearer-token access for /api; refused requests are audited as ingest requests. */
public class IngestAccess extends ArchiveHttpAccess {
    @Override
    protected String auditProtocol() {
        return ConversionJobService.INGEST_PROTOCOL;
    }
}
