package org.wsiarchive.converter.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.wsiarchive.converter.ConversionOptions;
import org.wsiarchive.converter.ConversionResult;
import org.wsiarchive.converter.Converter;
import org.wsiarchive.converter.ProgressListener;
import org.wsiarchive.converter.SlideMetadata;
import org.wsiarchive.converter.dimse.CStoreClient;
import org.wsiarchive.converter.dimse.DicomNode;
import org.wsiarchive.converter.send.InstanceSender;
import org.wsiarchive.converter.send.SendOutcome;
import org.wsiarchive.converter.source.ReaderChoice;
import org.wsiarchive.converter.source.SlideReaders;
import org.wsiarchive.converter.stow.StowRsClient;

/** Command line: {@code wsi2dicom INPUT OUTPUT_DIR [options]}. Exit 0 on success, 1 on conversion error, 2 on usage error,
 * 3 when the conversion succeeded but sending the result on (STOW-RS or C-STORE) failed (the files stay in OUTPUT_DIR). */
public final class Wsi2Dicom {

    private static final Map<String, String> OPTION_KEYS = Map.ofEntries(
            Map.entry("--patient-id", "PatientID"),
            Map.entry("--patient-name", "PatientName"),
            Map.entry("--patient-birth-date", "PatientBirthDate"),
            Map.entry("--patient-sex", "PatientSex"),
            Map.entry("--study-uid", "StudyInstanceUID"),
            Map.entry("--study-id", "StudyID"),
            Map.entry("--study-date", "StudyDate"),
            Map.entry("--study-description", "StudyDescription"),
            Map.entry("--accession-number", "AccessionNumber"),
            Map.entry("--series-uid", "SeriesInstanceUID"),
            Map.entry("--series-number", "SeriesNumber"),
            Map.entry("--series-description", "SeriesDescription"),
            Map.entry("--container-id", "ContainerIdentifier"),
            Map.entry("--specimen-id", "SpecimenIdentifier"),
            Map.entry("--specimen-uid", "SpecimenUID"),
            Map.entry("--institution", "InstitutionName"));

    static final String DEFAULT_CALLING_AET = "WSI2DICOM";

    private Wsi2Dicom() {
    }

    static String usage() {
        return """
                Usage: wsi2dicom INPUT OUTPUT_DIR [options]
                Converts a whole-slide image into DICOM VL Whole Slide Microscopy instances (one per pyramid level,
                plus thumbnail, overview and label), copying compressed tiles without re-encoding.

                Options:
                  --no-label               do not write the label image
                  --no-overview            do not write the overview (macro) image
                  --no-thumbnail           do not write the thumbnail image
                  --metadata FILE.json     JSON object with metadata keys (see below); options given after it win
                  --mpp MICRONS            level-0 microns per pixel (overrides the source)
                  --no-verify              skip decoding a sample tile per level before writing
                  --reader auto|openslide  auto (default): lossless readers first, OpenSlide for other formats;
                                           openslide: read through OpenSlide (tiles re-encoded as lossy JPEG)
                  --no-generated-levels    do not add lower levels (2x2 box filter, lossy JPEG) below the smallest
                                           source level down to 512 px on the longer side
                  --stow URL               after the conversion, send all output files in one DICOMweb STOW-RS
                                           request to URL (e.g. http://localhost:8080/dicom-web/studies)
                  --store AET@HOST:PORT    after the conversion, send all output files with DIMSE C-STORE on one
                                           association to the SCP AET at HOST:PORT (--stow and --store may both
                                           be given; exit code 3 when any instance was not stored)
                  --calling-aet AET        our AE title for --store (default %s)
                  --progress               draw a progress bar on stderr even when it is not a terminal
                  --no-progress            no progress bar (default: a bar when run in a terminal)
                  --patient-id ID   --patient-name NAME   --patient-birth-date YYYYMMDD   --patient-sex M|F|O
                  --study-uid UID   --study-id ID   --study-date YYYYMMDD   --study-description TEXT
                  --accession-number NO   --series-uid UID   --series-number N   --series-description TEXT
                  --container-id ID (default: input file name without extension)   --specimen-id ID
                  --specimen-uid UID   --institution NAME
                  --set KEY=VALUE          any metadata key
                  -h, --help

                Metadata keys: %s
                Supported formats: %s
                """.formatted(DEFAULT_CALLING_AET, String.join(", ", new java.util.TreeSet<>(SlideMetadata.KEYS)),
                SlideReaders.supportedFormats());
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> positional = new ArrayList<>();
        SlideMetadata metadata = new SlideMetadata();
        ConversionOptions options = ConversionOptions.defaults();
        java.net.URI stowUrl = null;
        DicomNode storeScp = null;
        String callingAet = DEFAULT_CALLING_AET;
        // a bar only where someone watches it; never in a pipe or a log file unless asked for
        boolean progress = System.console() != null && System.console().isTerminal();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        out.print(usage());
                        return 0;
                    }
                    case "--no-label" -> options = options.withIncludeLabel(false);
                    case "--no-overview" -> options = options.withIncludeOverview(false);
                    case "--no-thumbnail" -> options = options.withIncludeThumbnail(false);
                    case "--no-verify" -> options = options.withVerifyTiles(false);
                    case "--no-generated-levels" -> options = options.withGenerateLowerLevels(false);
                    case "--reader" -> options = options.withReader(switch (value(args, ++i, a)) {
                        case "auto" -> ReaderChoice.AUTO;
                        case "openslide" -> ReaderChoice.OPENSLIDE;
                        default -> throw new IllegalArgumentException("--reader expects auto or openslide");
                    });
                    case "--metadata" -> {
                        Path f = Path.of(value(args, ++i, a));
                        if (!Files.isRegularFile(f)) {
                            throw new IllegalArgumentException("metadata file " + f + " not found");
                        }
                        metadata.merge(SlideMetadata.fromJson(f));
                    }
                    case "--stow" -> {
                        stowUrl = java.net.URI.create(value(args, ++i, a));
                        if (!"http".equalsIgnoreCase(stowUrl.getScheme()) && !"https".equalsIgnoreCase(stowUrl.getScheme())) {
                            throw new IllegalArgumentException("--stow needs an http:// or https:// URL");
                        }
                    }
                    case "--store" -> {
                        try {
                            storeScp = DicomNode.parse(value(args, ++i, a));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--store: " + e.getMessage());
                        }
                    }
                    case "--calling-aet" -> callingAet = DicomNode.checkAeTitle(value(args, ++i, a), "--calling-aet");
                    case "--progress" -> progress = true;
                    case "--no-progress" -> progress = false;
                    case "--mpp" -> {
                        double mpp = Double.parseDouble(value(args, ++i, a));
                        if (!(mpp > 0 && mpp < 1000)) {
                            throw new IllegalArgumentException("--mpp must be a positive number of microns");
                        }
                        options = options.withMppOverride(mpp);
                    }
                    case "--set" -> {
                        String kv = value(args, ++i, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--set expects KEY=VALUE");
                        }
                        metadata.set(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    default -> {
                        if (OPTION_KEYS.containsKey(a)) {
                            metadata.set(OPTION_KEYS.get(a), value(args, ++i, a));
                        } else if (a.startsWith("-") && a.length() > 1) {
                            throw new IllegalArgumentException("unknown option " + a);
                        } else {
                            positional.add(a);
                        }
                    }
                }
            }
            if (positional.size() != 2) {
                throw new IllegalArgumentException("expected INPUT and OUTPUT_DIR");
            }
        } catch (Exception e) {
            err.println("wsi2dicom: " + e.getMessage());
            err.print(usage());
            return 2;
        }
        List<InstanceSender> senders = new ArrayList<>();
        if (stowUrl != null) {
            senders.add(new StowRsClient(stowUrl));
        }
        if (storeScp != null) {
            senders.add(new CStoreClient(storeScp, callingAet));
        }
        ProgressBar bar = progress ? new ProgressBar(err) : null;
        ProgressListener listener = bar != null ? bar : ProgressListener.NONE;
        ConversionResult r;
        try {
            r = Converter.convert(Path.of(positional.get(0)), Path.of(positional.get(1)), metadata, options, listener);
            endBar(bar);
            out.print(r.summary());
            out.flush(); // before a sending phase draws its bar on stderr
        } catch (Exception e) {
            endBar(bar);
            err.println("wsi2dicom: conversion of " + positional.get(0) + " failed: " + e.getMessage());
            if (Boolean.getBoolean("wsi2dicom.debug")) {
                e.printStackTrace(err);
            }
            return 1;
        }
        List<Path> files = r.instances().stream().map(ConversionResult.Instance::file).toList();
        int exit = 0;
        // every destination is tried, also after one failed: the files are on disk either way
        for (InstanceSender sender : senders) {
            try {
                SendOutcome outcome = sender.send(files, listener);
                endBar(bar);
                out.println("  " + outcome.summary().replace("\n", "\n  "));
                out.flush();
                if (!outcome.success()) {
                    err.println("wsi2dicom: " + sender.description() + " failed: " + outcome.headline()
                            + "; the converted files remain in " + positional.get(1));
                    exit = 3;
                }
            } catch (Exception e) {
                endBar(bar);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                err.println("wsi2dicom: " + sender.description() + " failed: " + e.getMessage()
                        + "; the converted files remain in " + positional.get(1));
                exit = 3;
            }
        }
        out.flush();
        return exit;
    }

    private static void endBar(ProgressBar bar) {
        if (bar != null) {
            bar.finish();
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
