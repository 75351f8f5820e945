package org.wsiarchive.core.entity;

import jakarta.persistence.*;

/** A patient, merged across studies on (PatientID, IssuerOfPatientID) when a Patient ID is present. */
@Entity
@Table(name = "patient")
public class Patient {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long pk;
    @Column(name = "patient_id", nullable = false)
    private String patientId = "";
    @Column(name = "issuer_of_patient_id", nullable = false)
    private String issuerOfPatientId = "";
    @Column(name = "patient_name")
    private String patientName;
    @Column(name = "patient_birth_date")
    private String patientBirthDate;
    @Column(name = "patient_sex")
    private String patientSex;

    public Long getPk() { return pk; }
    public String getPatientId() { return patientId; }
    public void setPatientId(String v) { patientId = v == null ? "" : v; }
    public String getIssuerOfPatientId() { return issuerOfPatientId; }
    public void setIssuerOfPatientId(String v) { issuerOfPatientId = v == null ? "" : v; }
    public String getPatientName() { return patientName; }
    public void setPatientName(String v) { patientName = v; }
    public String getPatientBirthDate() { return patientBirthDate; }
    public void setPatientBirthDate(String v) { patientBirthDate = v; }
    public String getPatientSex() { return patientSex; }
    public void setPatientSex(String v) { patientSex = v; }
}
