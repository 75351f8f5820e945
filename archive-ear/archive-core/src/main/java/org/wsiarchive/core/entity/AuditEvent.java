package org.wsiarchive.core.entity;

import jakarta.persistence.*;
import java.time.OffsetDateTime;

/** One audited action: who did what, when, from where, with which outcome (the basis for IHE ATNA messages). */
@Entity
@Table(name = "audit_event")
public class AuditEvent {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long pk;
    @Column(name = "event_time", nullable = false)
    private OffsetDateTime eventTime;
    @Column(name = "action", nullable = false)
    private String action;
    @Column(name = "outcome", nullable = false)
    private String outcome;
    @Column(name = "protocol", nullable = false)
    private String protocol;
    @Column(name = "user_id")
    private String userId;
    @Column(name = "remote_host")
    private String remoteHost;
    @Column(name = "study_iuid")
    private String studyInstanceUid;
    @Column(name = "object_uids")
    private String objectUids;
    @Column(name = "detail")
    private String detail;

    protected AuditEvent() {}
    public AuditEvent(OffsetDateTime eventTime, String action, String outcome, String protocol, String userId,
                      String remoteHost, String studyInstanceUid, String objectUids, String detail) {
        this.eventTime = eventTime; this.action = action; this.outcome = outcome; this.protocol = protocol;
        this.userId = userId; this.remoteHost = remoteHost; this.studyInstanceUid = studyInstanceUid;
        this.objectUids = objectUids; this.detail = detail;
    }
    public Long getPk() { return pk; }
    public OffsetDateTime getEventTime() { return eventTime; }
    public String getAction() { return action; }
    public String getOutcome() { return outcome; }
    public String getProtocol() { return protocol; }
    public String getUserId() { return userId; }
    public String getRemoteHost() { return remoteHost; }
    public String getStudyInstanceUid() { return studyInstanceUid; }
    public String getObjectUids() { return objectUids; }
    public String getDetail() { return detail; }
}
