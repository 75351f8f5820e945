package org.wsiarchive.core.entity;

import jakarta.persistence.*;
import java.time.OffsetDateTime;

/** A study; ModalitiesInStudy and the related-object counts are maintained at ingest, not computed per query. */
@Entity
@Table(name = "study")
public class Study {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long pk;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "patient_fk")
    private Patient patient;
    @Column(name = "study_iuid", nullable = false, unique = true)
    private String studyInstanceUid;
    @Column(name = "study_date")
    private String studyDate;
    @Column(name = "study_time")
    private String studyTime;
    @Column(name = "accession_number")
    private String accessionNumber;
    @Column(name = "study_id")
    private String studyId;
    @Column(name = "referring_physician_name")
    private String referringPhysicianName;
    @Column(name = "study_description")
    private String studyDescription;
    @Column(name = "modalities_in_study", nullable = false)
    private String modalitiesInStudy = "";
    @Column(name = "number_of_series", nullable = false)
    private int numberOfSeries;
    @Column(name = "number_of_instances", nullable = false)
    private int numberOfInstances;
    @Column(name = "updated_time", nullable = false)
    private OffsetDateTime updatedTime = OffsetDateTime.now();

    public Long getPk() { return pk; }
    public Patient getPatient() { return patient; }
    public void setPatient(Patient v) { patient = v; }
    public String getStudyInstanceUid() { return studyInstanceUid; }
    public void setStudyInstanceUid(String v) { studyInstanceUid = v; }
    public String getStudyDate() { return studyDate; }
    public void setStudyDate(String v) { studyDate = v; }
    public String getStudyTime() { return studyTime; }
    public void setStudyTime(String v) { studyTime = v; }
    public String getAccessionNumber() { return accessionNumber; }
    public void setAccessionNumber(String v) { accessionNumber = v; }
    public String getStudyId() { return studyId; }
    public void setStudyId(String v) { studyId = v; }
    public String getReferringPhysicianName() { return referringPhysicianName; }
    public void setReferringPhysicianName(String v) { referringPhysicianName = v; }
    public String getStudyDescription() { return studyDescription; }
    public void setStudyDescription(String v) { studyDescription = v; }
    public String getModalitiesInStudy() { return modalitiesInStudy; }
    public void setModalitiesInStudy(String v) { modalitiesInStudy = v; }
    public int getNumberOfSeries() { return numberOfSeries; }
    public void setNumberOfSeries(int v) { numberOfSeries = v; }
    public int getNumberOfInstances() { return numberOfInstances; }
    public void setNumberOfInstances(int v) { numberOfInstances = v; }
    public void touch() { updatedTime = OffsetDateTime.now(); }
}
