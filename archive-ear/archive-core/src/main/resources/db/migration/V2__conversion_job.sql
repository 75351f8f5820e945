-- Conversion jobs: a proprietary slide (uploaded over REST or dropped into the watch folder) on its way to DICOM.
-- The source file stays under <storage>/ingest/<id>/source/ so that a failed job can be inspected and retried;
-- the row keeps the outcome (UIDs of what was stored, or the reason it failed).

create table conversion_job (
    id                   bigserial primary key,
    origin               text         not null,               -- UPLOAD or WATCH_FOLDER
    source_file_name     text         not null,
    source_path          text,                                -- absolute path of the kept source file
    source_size          bigint,
    status               text         not null,               -- QUEUED, RUNNING, SUCCEEDED, FAILED
    progress_percent     integer      not null default 0,
    frames_total         integer,
    frames_stored        integer      not null default 0,
    message              text,                                -- phase while running; summary or failure reason after
    created_time         timestamptz  not null default now(),
    started_time         timestamptz,
    finished_time        timestamptz,
    study_iuid           text,
    series_iuid          text,
    instance_count       integer      not null default 0,     -- instances stored in the archive by this job
    requester_protocol   text         not null,
    requester_user       text,
    requester_host       text,
    metadata             text         not null default '{}',  -- JSON object: DICOM keyword -> value (SlideMetadata)
    constraint conversion_job_status_ck check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    constraint conversion_job_progress_ck check (progress_percent between 0 and 100)
);
create index conversion_job_status_idx on conversion_job (status);
create index conversion_job_created_idx on conversion_job (created_time);
