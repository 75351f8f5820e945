package org.wsiarchive.core.entity;

import jakarta.persistence.*;

/** A series; for whole-slide imaging, typically one slide's pyramid with its label and overview images. */
@Entity
@Table(name = "series")
public class Series {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long pk;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "study_fk")
    private Study study;
    @Column(name = "series_iuid", nullable = false, unique = true)
    private String seriesInstanceUid;
    @Column(name = "modality")
    private String modality;
    @Column(name = "series_number")
    private Integer seriesNumber;
    @Column(name = "series_description")
    private String seriesDescription;
    @Column(name = "body_part_examined")
    private String bodyPartExamined;
    @Column(name = "pps_start_date")
    private String performedProcedureStepStartDate;
    @Column(name = "pps_start_time")
    private String performedProcedureStepStartTime;
    @Column(name = "number_of_instances", nullable = false)
    private int numberOfInstances;

    public Long getPk() { return pk; }
    public Study getStudy() { return study; }
    public void setStudy(Study v) { study = v; }
    public String getSeriesInstanceUid() { return seriesInstanceUid; }
    public void setSeriesInstanceUid(String v) { seriesInstanceUid = v; }
    public String getModality() { return modality; }
    public void setModality(String v) { modality = v; }
    public Integer getSeriesNumber() { return seriesNumber; }
    public void setSeriesNumber(Integer v) { seriesNumber = v; }
    public String getSeriesDescription() { return seriesDescription; }
    public void setSeriesDescription(String v) { seriesDescription = v; }
    public String getBodyPartExamined() { return bodyPartExamined; }
    public void setBodyPartExamined(String v) { bodyPartExamined = v; }
    public String getPerformedProcedureStepStartDate() { return performedProcedureStepStartDate; }
    public void setPerformedProcedureStepStartDate(String v) { performedProcedureStepStartDate = v; }
    public String getPerformedProcedureStepStartTime() { return performedProcedureStepStartTime; }
    public void setPerformedProcedureStepStartTime(String v) { performedProcedureStepStartTime = v; }
    public int getNumberOfInstances() { return numberOfInstances; }
    public void setNumberOfInstances(int v) { numberOfInstances = v; }
}
