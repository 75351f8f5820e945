package org.wsiarchive.core.entity;

import jakarta.persistence.*;

/** The persisted form of an instance's FrameIndex (byte ranges of every frame in its file). */
@Entity
@Table(name = "frame_index")
public class StoredFrameIndex {
    @Id
    @Column(name = "instance_fk")
    private Long instancePk;
    @Column(name = "frame_count", nullable = false)
    private int frameCount;
    /** false when frames cannot be read by position (deflated data set): served through the slow path */
    @Column(name = "positional", nullable = false)
    private boolean positional;
    @Column(name = "data", nullable = false)
    private byte[] data;

    protected StoredFrameIndex() {}
    public StoredFrameIndex(Long instancePk, int frameCount, boolean positional, byte[] data) {
        this.instancePk = instancePk; this.frameCount = frameCount; this.positional = positional; this.data = data;
    }
    public Long getInstancePk() { return instancePk; }
    public int getFrameCount() { return frameCount; }
    public boolean isPositional() { return positional; }
    public byte[] getData() { return data; }
}
