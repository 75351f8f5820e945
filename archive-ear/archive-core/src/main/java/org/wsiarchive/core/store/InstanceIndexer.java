package org.wsiarchive.core.store;

import com.pixelmed.dicom.TagFromName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.wsiarchive.core.dicom.InstanceHeader;
import org.wsiarchive.core.dicom.frames.FrameIndex;
import org.wsiarchive.core.entity.*;

import java.util.List;

/**
 * Commits one received instance to the index in a single transaction: patient, study and series found or created,
 * the instance with its metadata, frame index and specimens inserted, the study's derived attributes updated.
 * A PostgreSQL transaction-scoped advisory lock on the Study Instance UID serialises concurrent stores into the
 * same study, so two copies of one instance arriving together leave exactly one.
 */
@ApplicationScoped
public class InstanceIndexer {

    @PersistenceContext(unitName = "archive")
    EntityManager em;

    /** The data a store brings to the index; the file is already in its final place. */
    public record NewInstance(InstanceHeader header, String storagePath, long fileSize, String sha256,
                              FrameIndex frameIndex, byte[] metadataJsonGz) {}

    @Transactional
    public IndexOutcome index(NewInstance in, boolean allowOverwrite) {
        InstanceHeader h = in.header();
        lock("study:" + h.studyInstanceUid());
        String replaced = null;
        Instance existing = findInstance(h.sopInstanceUid());
        if (existing != null) {
            if (existing.getSha256().equals(in.sha256())) {
                return IndexOutcome.of(IndexOutcome.Kind.ALREADY_STORED);
            }
            if (!allowOverwrite) {
                return IndexOutcome.of(IndexOutcome.Kind.CONFLICT);
            }
            replaced = existing.getStoragePath();
            remove(existing);
        }

        Study study = findOrCreateStudy(h);
        Series series = findOrCreateSeries(h, study);
        Instance instance = newInstance(h, in, series);
        em.persist(instance);
        em.flush();
        em.persist(new InstanceMetadata(instance.getPk(), in.metadataJsonGz()));
        if (in.frameIndex() != null) {
            em.persist(new StoredFrameIndex(instance.getPk(), in.frameIndex().frameCount(),
                    in.frameIndex().positional(), in.frameIndex().toBytes()));
        }
        for (String[] specimen : h.specimens()) {
            em.persist(new Specimen(instance.getPk(), specimen[0], specimen[1]));
        }
        em.flush();
        refreshDerivedAttributes(series, study);
        return replaced == null ? IndexOutcome.of(IndexOutcome.Kind.STORED)
                : new IndexOutcome(IndexOutcome.Kind.REPLACED, replaced);
    }

    private void lock(String key) {
        em.createNativeQuery("select count(*) from (select pg_advisory_xact_lock(hashtext(?1))) l")
                .setParameter(1, key).getSingleResult();
    }

    private Instance findInstance(String sopInstanceUid) {
        List<Instance> found = em.createQuery("select i from Instance i where i.sopInstanceUid = :uid", Instance.class)
                .setParameter("uid", sopInstanceUid).getResultList();
        return found.isEmpty() ? null : found.get(0);
    }

    private void remove(Instance existing) {
        Series series = existing.getSeries();
        Study study = series.getStudy();
        em.remove(existing);
        em.flush();
        refreshDerivedAttributes(series, study);
    }

    private Study findOrCreateStudy(InstanceHeader h) {
        List<Study> found = em.createQuery("select s from Study s where s.studyInstanceUid = :uid", Study.class)
                .setParameter("uid", h.studyInstanceUid()).getResultList();
        if (!found.isEmpty()) {
            return found.get(0);
        }
        Study study = new Study();
        study.setPatient(findOrCreatePatient(h));
        study.setStudyInstanceUid(h.studyInstanceUid());
        study.setStudyDate(h.string(TagFromName.StudyDate));
        study.setStudyTime(h.string(TagFromName.StudyTime));
        study.setAccessionNumber(h.string(TagFromName.AccessionNumber));
        study.setStudyId(h.string(TagFromName.StudyID));
        study.setReferringPhysicianName(h.string(TagFromName.ReferringPhysicianName));
        study.setStudyDescription(h.string(TagFromName.StudyDescription));
        em.persist(study);
        return study;
    }

    private Patient findOrCreatePatient(InstanceHeader h) {
        String patientId = h.string(TagFromName.PatientID);
        String issuer = h.string(TagFromName.IssuerOfPatientID);
        if (patientId != null) {
            lock("patient:" + patientId + "^" + (issuer == null ? "" : issuer));
            List<Patient> found = em.createQuery(
                            "select p from Patient p where p.patientId = :id and p.issuerOfPatientId = :issuer",
                            Patient.class)
                    .setParameter("id", patientId).setParameter("issuer", issuer == null ? "" : issuer)
                    .getResultList();
            if (!found.isEmpty()) {
                return found.get(0);
            }
        }
        Patient patient = new Patient();
        patient.setPatientId(patientId);
        patient.setIssuerOfPatientId(issuer);
        patient.setPatientName(h.strings(TagFromName.PatientName));
        patient.setPatientBirthDate(h.string(TagFromName.PatientBirthDate));
        patient.setPatientSex(h.string(TagFromName.PatientSex));
        em.persist(patient);
        return patient;
    }

    private Series findOrCreateSeries(InstanceHeader h, Study study) {
        List<Series> found = em.createQuery("select s from Series s where s.seriesInstanceUid = :uid", Series.class)
                .setParameter("uid", h.seriesInstanceUid()).getResultList();
        if (!found.isEmpty()) {
            return found.get(0);
        }
        Series series = new Series();
        series.setStudy(study);
        series.setSeriesInstanceUid(h.seriesInstanceUid());
        series.setModality(h.string(TagFromName.Modality));
        series.setSeriesNumber(h.integer(TagFromName.SeriesNumber));
        series.setSeriesDescription(h.string(TagFromName.SeriesDescription));
        series.setBodyPartExamined(h.string(TagFromName.BodyPartExamined));
        series.setPerformedProcedureStepStartDate(h.string(TagFromName.PerformedProcedureStepStartDate));
        series.setPerformedProcedureStepStartTime(h.string(TagFromName.PerformedProcedureStepStartTime));
        em.persist(series);
        return series;
    }

    private static Instance newInstance(InstanceHeader h, NewInstance in, Series series) {
        Instance i = new Instance();
        i.setSeries(series);
        i.setSopInstanceUid(h.sopInstanceUid());
        i.setSopClassUid(h.sopClassUid());
        i.setInstanceNumber(h.integer(TagFromName.InstanceNumber));
        i.setTransferSyntaxUid(h.transferSyntaxUid());
        i.setContentDate(h.string(TagFromName.ContentDate));
        i.setContentTime(h.string(TagFromName.ContentTime));
        i.setImageType(h.strings(TagFromName.ImageType));
        i.setRows(h.integer(TagFromName.Rows));
        i.setColumns(h.integer(TagFromName.Columns));
        Integer frames = h.integer(TagFromName.NumberOfFrames);
        i.setNumberOfFrames(frames != null ? frames : in.frameIndex() != null ? in.frameIndex().frameCount() : null);
        i.setSamplesPerPixel(h.integer(TagFromName.SamplesPerPixel));
        i.setBitsAllocated(h.integer(TagFromName.BitsAllocated));
        i.setPhotometricInterpretation(h.string(TagFromName.PhotometricInterpretation));
        i.setTotalPixelMatrixColumns(h.longValue(TagFromName.TotalPixelMatrixColumns));
        i.setTotalPixelMatrixRows(h.longValue(TagFromName.TotalPixelMatrixRows));
        i.setContainerIdentifier(h.string(TagFromName.ContainerIdentifier));
        i.setFrameOfReferenceUid(h.string(TagFromName.FrameOfReferenceUID));
        i.setStoragePath(in.storagePath());
        i.setFileSize(in.fileSize());
        i.setSha256(in.sha256());
        return i;
    }

    /** Counts and ModalitiesInStudy are kept on the rows so QIDO never aggregates per request. */
    private void refreshDerivedAttributes(Series series, Study study) {
        em.createNativeQuery("update series set number_of_instances ="
                        + " (select count(*) from instance where series_fk = ?1) where pk = ?1")
                .setParameter(1, series.getPk()).executeUpdate();
        em.createNativeQuery("update study set"
                        + " number_of_instances = (select count(*) from instance i join series s on i.series_fk = s.pk where s.study_fk = ?1),"
                        + " number_of_series = (select count(*) from series s where s.study_fk = ?1 and s.number_of_instances > 0),"
                        + " modalities_in_study = coalesce((select string_agg(distinct s.modality, '\\' order by s.modality)"
                        + "   from series s where s.study_fk = ?1 and s.modality is not null and s.number_of_instances > 0), ''),"
                        + " updated_time = now() where pk = ?1")
                .setParameter(1, study.getPk()).executeUpdate();
    }

    /** Used by start-up recovery: is this storage path referenced by the index? */
    @Transactional
    public boolean isIndexed(String storagePath) {
        return !em.createQuery("select i.pk from Instance i where i.storagePath = :p")
                .setParameter("p", storagePath).setMaxResults(1).getResultList().isEmpty();
    }
}
