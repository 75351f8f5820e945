package org.wsiarchive.core.entity;

import jakarta.persistence.*;

/** One item of an instance's Specimen Description Sequence: a specimen on the slide. */
@Entity
@Table(name = "specimen")
public class Specimen {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long pk;
    @Column(name = "instance_fk", nullable = false)
    private Long instancePk;
    @Column(name = "specimen_identifier", nullable = false)
    private String specimenIdentifier;
    @Column(name = "specimen_uid")
    private String specimenUid;

    protected Specimen() {}
    public Specimen(Long instancePk, String specimenIdentifier, String specimenUid) {
        this.instancePk = instancePk; this.specimenIdentifier = specimenIdentifier; this.specimenUid = specimenUid;
    }
    public String getSpecimenIdentifier() { return specimenIdentifier; }
    public String getSpecimenUid() { return specimenUid; }
}
