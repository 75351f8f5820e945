-- The archive index: Patient > Study > Series > Instance, the frame index of every instance, the specimens
-- (and so the slides' containers) an instance depicts, and the audit trail.
-- Attribute columns are those QIDO-RS and C-FIND match and return at each level. Strings are unbounded text:
-- real producers exceed the VR maximum lengths (UIDs over 64 characters, long Patient IDs) and such instances
-- are still accepted and found.

create table patient (
    pk                     bigserial primary key,
    patient_id             text  not null default '',
    issuer_of_patient_id   text  not null default '',
    patient_name           text,
    patient_birth_date     text,
    patient_sex            text,
    created_time           timestamptz  not null default now()
);
-- Patients are merged on (PatientID, Issuer); studies without a Patient ID each get a patient of their own.
create unique index patient_id_issuer_uk on patient (patient_id, issuer_of_patient_id) where patient_id <> '';

create table study (
    pk                       bigserial primary key,
    patient_fk               bigint       not null references patient (pk),
    study_iuid               text  not null unique,
    study_date               text,
    study_time               text,
    accession_number         text,
    study_id                 text,
    referring_physician_name text,
    study_description        text,
    modalities_in_study      text not null default '',
    number_of_series         integer      not null default 0,
    number_of_instances      integer      not null default 0,
    created_time             timestamptz  not null default now(),
    updated_time             timestamptz  not null default now()
);
create index study_patient_idx on study (patient_fk);
create index study_date_idx on study (study_date);
create index study_accession_idx on study (accession_number);

create table series (
    pk                        bigserial primary key,
    study_fk                  bigint       not null references study (pk),
    series_iuid               text  not null unique,
    modality                  text,
    series_number             integer,
    series_description        text,
    body_part_examined        text,
    pps_start_date            text,
    pps_start_time            text,
    number_of_instances       integer      not null default 0,
    created_time              timestamptz  not null default now()
);
create index series_study_idx on series (study_fk);
create index series_modality_idx on series (modality);

create table instance (
    pk                          bigserial primary key,
    series_fk                   bigint       not null references series (pk),
    sop_iuid                    text  not null unique,
    sop_cuid                    text  not null,
    instance_number             integer,
    transfer_syntax_uid         text  not null,
    content_date                text,
    content_time                text,
    image_type                  text,
    pixel_rows                  integer,
    pixel_columns               integer,
    number_of_frames            integer,
    samples_per_pixel           integer,
    bits_allocated              integer,
    photometric_interpretation  text,
    total_pixel_matrix_columns  bigint,
    total_pixel_matrix_rows     bigint,
    container_identifier        text,
    frame_of_reference_uid      text,
    -- storage: an immutable file, located relative to the storage root
    storage_path                text not null unique,
    file_size                   bigint       not null,
    sha256                      char(64)     not null,
    created_time                timestamptz  not null default now()
);
create index instance_series_idx on instance (series_fk);
create index instance_sop_cuid_idx on instance (sop_cuid);
create index instance_container_idx on instance (container_identifier);

-- The instance's DICOM JSON (PS3.18 F.2) with BulkDataURI placeholders, gzip-compressed, computed once at ingest
-- so WADO-RS metadata never parses the stored file. Kept apart so that index rows stay small.
create table instance_metadata (
    instance_fk   bigint  primary key references instance (pk) on delete cascade,
    json_gz       bytea   not null
);

-- Byte ranges of every frame in the stored file (compact binary form, see FrameIndex), built once at ingest.
create table frame_index (
    instance_fk   bigint  primary key references instance (pk) on delete cascade,
    frame_count   integer not null,
    positional    boolean not null,
    data          bytea   not null
);

-- Specimen Description Sequence items of an instance: what the slide holds.
create table specimen (
    pk                   bigserial primary key,
    instance_fk          bigint       not null references instance (pk) on delete cascade,
    specimen_identifier  text  not null,
    specimen_uid         text
);
create index specimen_instance_idx on specimen (instance_fk);
create index specimen_identifier_idx on specimen (specimen_identifier);

create table audit_event (
    pk             bigserial primary key,
    event_time     timestamptz  not null default now(),
    action         text  not null,
    outcome        text  not null,
    protocol       text  not null,
    user_id        text,
    remote_host    text,
    study_iuid     text,
    object_uids    text,
    detail         text
);
create index audit_event_time_idx on audit_event (event_time);
create index audit_event_study_idx on audit_event (study_iuid);
