package org.wsiarchive.ingest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Slide ingest under the WAR's context root /api: /slides (upload), /conversion-jobs (status). */
@ApplicationPath("/")
public class IngestApplication extends Application {
}
