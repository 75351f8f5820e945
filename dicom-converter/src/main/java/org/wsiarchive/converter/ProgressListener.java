package org.wsiarchive.converter;

/**
 * Receives {@link Progress} events of a conversion (after every frame) and of sending its result (after every
 * buffer). Events arrive on the working thread (for STOW-RS: on the HTTP client's thread), as often as that, so an
 * implementation must be cheap: keep the latest event and draw or persist it at its own pace.
 */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = p -> { };

    void progress(Progress p);
}
