package org.wsiarchive.core.entity;

import jakarta.persistence.*;

/**
 * A stored SOP instance: its index attributes (the whole-slide ones included) and the location, size and SHA-256
 * of its immutable file. The DICOM JSON and the frame index live in their own tables (InstanceMetadata,
 * StoredFrameIndex) so that index rows stay small.
 */
@Entity
@Table(name = "instance")
public class Instance {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long pk;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "series_fk")
    private Series series;
    @Column(name = "sop_iuid", nullable = false, unique = true)
    private String sopInstanceUid;
    @Column(name = "sop_cuid", nullable = false)
    private String sopClassUid;
    @Column(name = "instance_number")
    private Integer instanceNumber;
    @Column(name = "transfer_syntax_uid", nullable = false)
    private String transferSyntaxUid;
    @Column(name = "content_date")
    private String contentDate;
    @Column(name = "content_time")
    private String contentTime;
    @Column(name = "image_type")
    private String imageType;
    @Column(name = "pixel_rows")
    private Integer rows;
    @Column(name = "pixel_columns")
    private Integer columns;
    @Column(name = "number_of_frames")
    private Integer numberOfFrames;
    @Column(name = "samples_per_pixel")
    private Integer samplesPerPixel;
    @Column(name = "bits_allocated")
    private Integer bitsAllocated;
    @Column(name = "photometric_interpretation")
    private String photometricInterpretation;
    @Column(name = "total_pixel_matrix_columns")
    private Long totalPixelMatrixColumns;
    @Column(name = "total_pixel_matrix_rows")
    private Long totalPixelMatrixRows;
    @Column(name = "container_identifier")
    private String containerIdentifier;
    @Column(name = "frame_of_reference_uid")
    private String frameOfReferenceUid;
    @Column(name = "storage_path", nullable = false, unique = true)
    private String storagePath;
    @Column(name = "file_size", nullable = false)
    private long fileSize;
    @Column(name = "sha256", nullable = false)
    private String sha256;

    public Long getPk() { return pk; }
    public Series getSeries() { return series; }
    public void setSeries(Series v) { series = v; }
    public String getSopInstanceUid() { return sopInstanceUid; }
    public void setSopInstanceUid(String v) { sopInstanceUid = v; }
    public String getSopClassUid() { return sopClassUid; }
    public void setSopClassUid(String v) { sopClassUid = v; }
    public Integer getInstanceNumber() { return instanceNumber; }
    public void setInstanceNumber(Integer v) { instanceNumber = v; }
    public String getTransferSyntaxUid() { return transferSyntaxUid; }
    public void setTransferSyntaxUid(String v) { transferSyntaxUid = v; }
    public String getContentDate() { return contentDate; }
    public void setContentDate(String v) { contentDate = v; }
    public String getContentTime() { return contentTime; }
    public void setContentTime(String v) { contentTime = v; }
    public String getImageType() { return imageType; }
    public void setImageType(String v) { imageType = v; }
    public Integer getRows() { return rows; }
    public void setRows(Integer v) { rows = v; }
    public Integer getColumns() { return columns; }
    public void setColumns(Integer v) { columns = v; }
    public Integer getNumberOfFrames() { return numberOfFrames; }
    public void setNumberOfFrames(Integer v) { numberOfFrames = v; }
    public Integer getSamplesPerPixel() { return samplesPerPixel; }
    public void setSamplesPerPixel(Integer v) { samplesPerPixel = v; }
    public Integer getBitsAllocated() { return bitsAllocated; }
    public void setBitsAllocated(Integer v) { bitsAllocated = v; }
    public String getPhotometricInterpretation() { return photometricInterpretation; }
    public void setPhotometricInterpretation(String v) { photometricInterpretation = v; }
    public Long getTotalPixelMatrixColumns() { return totalPixelMatrixColumns; }
    public void setTotalPixelMatrixColumns(Long v) { totalPixelMatrixColumns = v; }
    public Long getTotalPixelMatrixRows() { return totalPixelMatrixRows; }
    public void setTotalPixelMatrixRows(Long v) { totalPixelMatrixRows = v; }
    public String getContainerIdentifier() { return containerIdentifier; }
    public void setContainerIdentifier(String v) { containerIdentifier = v; }
    public String getFrameOfReferenceUid() { return frameOfReferenceUid; }
    public void setFrameOfReferenceUid(String v) { frameOfReferenceUid = v; }
    public String getStoragePath() { return storagePath; }
    public void setStoragePath(String v) { storagePath = v; }
    public long getFileSize() { return fileSize; }
    public void setFileSize(long v) { fileSize = v; }
    public String getSha256() { return sha256; }
    public void setSha256(String v) { sha256 = v; }
}
