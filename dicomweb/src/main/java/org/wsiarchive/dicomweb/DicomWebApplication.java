package org.wsiarchive.dicomweb;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** DICOMweb (PS3.18) under the WAR's context root /dicom-web: /studies, /series, /instances. */
@ApplicationPath("/")
public class DicomWebApplication extends Application {
}
