package org.wsiarchive.converter.send;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.wsiarchive.converter.ProgressListener;

/**
 * Sends converted instances on to a peer (DICOMweb STOW-RS or DIMSE C-STORE). A connection or association that
 * cannot be established is an exception; what the peer answered about the instances is the {@link SendOutcome}.
 */
public interface InstanceSender {

    /** The protocol and peer, for messages, e.g. "STOW-RS to http://host/dicom-web/studies". */
    String description();

    SendOutcome send(List<Path> files, ProgressListener progress) throws IOException, InterruptedException;
}
