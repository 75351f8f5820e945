package org.wsiarchive.core.entity;

import jakarta.persistence.*;

/** The instance's DICOM JSON, gzip-compressed, with BulkDataURIs relative to a placeholder base (see MetadataJson). */
@Entity
@Table(name = "instance_metadata")
public class InstanceMetadata {
    @Id
    @Column(name = "instance_fk")
    private Long instancePk;
    @Column(name = "json_gz", nullable = false)
    private byte[] jsonGz;

    protected InstanceMetadata() {}
    public InstanceMetadata(Long instancePk, byte[] jsonGz) { this.instancePk = instancePk; this.jsonGz = jsonGz; }
    public Long getInstancePk() { return instancePk; }
    public byte[] getJsonGz() { return jsonGz; }
}
