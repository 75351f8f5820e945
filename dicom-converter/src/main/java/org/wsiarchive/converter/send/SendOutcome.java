package org.wsiarchive.converter.send;

/** What a peer answered to one {@link InstanceSender#send}: the command line prints it and exits 3 unless successful. */
public interface SendOutcome {

    /** True when the peer stored every instance. */
    boolean success();

    /** Text for the conversion summary; its first line is the headline, further lines give details. */
    String summary();

    default String headline() {
        return summary().lines().findFirst().orElse("");
    }
}
