package org.wsiarchive.core.entity;

import jakarta.persistence.*;
import java.time.OffsetDateTime;

/**
 * One proprietary slide on its way into the archive as DICOM: where it came from, where its source file is kept,
 * how far the conversion got, and what was stored (or why nothing was).
 */
@Entity
@Table(name = "conversion_job")
public class ConversionJob {

    public enum Status { QUEUED, RUNNING, SUCCEEDED, FAILED }

    public enum Origin { UPLOAD, WATCH_FOLDER }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Enumerated(EnumType.STRING)
    @Column(name = "origin", nullable = false)
    private Origin origin;
    @Column(name = "source_file_name", nullable = false)
    private String sourceFileName;
    @Column(name = "source_path")
    private String sourcePath;
    @Column(name = "source_size")
    private Long sourceSize;
    @Enumerated(EnumType.STRING)
    @Column(name = "status", nullable = false)
    private Status status;
    @Column(name = "progress_percent", nullable = false)
    private int progressPercent;
    @Column(name = "frames_total")
    private Integer framesTotal;
    @Column(name = "frames_stored", nullable = false)
    private int framesStored;
    @Column(name = "message")
    private String message;
    @Column(name = "created_time", nullable = false)
    private OffsetDateTime createdTime;
    @Column(name = "started_time")
    private OffsetDateTime startedTime;
    @Column(name = "finished_time")
    private OffsetDateTime finishedTime;
    @Column(name = "study_iuid")
    private String studyInstanceUid;
    @Column(name = "series_iuid")
    private String seriesInstanceUid;
    @Column(name = "instance_count", nullable = false)
    private int instanceCount;
    @Column(name = "requester_protocol", nullable = false)
    private String requesterProtocol;
    @Column(name = "requester_user")
    private String requesterUser;
    @Column(name = "requester_host")
    private String requesterHost;
    @Column(name = "metadata", nullable = false)
    private String metadata;

    protected ConversionJob() {}

    public ConversionJob(Origin origin, String sourceFileName, String metadataJson, String requesterProtocol,
                         String requesterUser, String requesterHost) {
        this.origin = origin;
        this.sourceFileName = sourceFileName;
        this.metadata = metadataJson;
        this.requesterProtocol = requesterProtocol;
        this.requesterUser = requesterUser;
        this.requesterHost = requesterHost;
        this.status = Status.QUEUED;
        this.createdTime = OffsetDateTime.now();
        this.message = "queued";
    }

    public Long getId() { return id; }
    public Origin getOrigin() { return origin; }
    public String getSourceFileName() { return sourceFileName; }
    public String getSourcePath() { return sourcePath; }
    public Long getSourceSize() { return sourceSize; }
    public Status getStatus() { return status; }
    public int getProgressPercent() { return progressPercent; }
    public Integer getFramesTotal() { return framesTotal; }
    public int getFramesStored() { return framesStored; }
    public String getMessage() { return message; }
    public OffsetDateTime getCreatedTime() { return createdTime; }
    public OffsetDateTime getStartedTime() { return startedTime; }
    public OffsetDateTime getFinishedTime() { return finishedTime; }
    public String getStudyInstanceUid() { return studyInstanceUid; }
    public String getSeriesInstanceUid() { return seriesInstanceUid; }
    public int getInstanceCount() { return instanceCount; }
    public String getRequesterProtocol() { return requesterProtocol; }
    public String getRequesterUser() { return requesterUser; }
    public String getRequesterHost() { return requesterHost; }
    public String getMetadata() { return metadata; }

    public void setSource(String sourcePath, long sourceSize) {
        this.sourcePath = sourcePath;
        this.sourceSize = sourceSize;
    }
}
