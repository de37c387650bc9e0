package dev.jdnn.training.data;

import dev.jdnn.training.io.IoErrors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * torchvision's ImageFolder: {@code root/<class name>/<image>}, classes sorted by name and numbered in that order,
 * files sorted within each class. Images are decoded on demand (javax.imageio: PNG, JPEG, BMP, GIF; {@link FloatImage})
 * and cut to a square sample by an {@link ImageCrop} applied to the whole decoded image: a centre crop for
 * evaluation, torchvision's RandomResizedCrop for training (drawn from the per-sample generator the loader passes).
 */
public final class ImageFolderDataset implements Dataset {
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private final List<String> classNames;
    private final List<Path> files = new ArrayList<>();
    private final List<Integer> labels = new ArrayList<>();
    private final ImageCrop crop;

    /** Evaluation view: shorter side resized to {@code resize}, centre {@code size × size}. */
    public ImageFolderDataset(Path root, int resize, int size) {
        this(root, new ImageCrop.Centre(resize, size));
    }

    public ImageFolderDataset(Path root, ImageCrop crop) {
        if (!Files.isDirectory(root)) throw new DatasetNotFoundException("image folder not found: " + root + " (expected root/<class name>/<image files>)");
        this.crop = crop;
        try {
            List<Path> classDirs;
            try (Stream<Path> s = Files.list(root)) {
                classDirs = s.filter(Files::isDirectory).sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
            }
            classNames = classDirs.stream().map(p -> p.getFileName().toString()).toList();
            for (int c = 0; c < classDirs.size(); c++) {
                try (Stream<Path> s = Files.list(classDirs.get(c))) {
                    for (Path f : s.filter(ImageFolderDataset::isImage).sorted().toList()) {
                        files.add(f);
                        labels.add(c);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list image folder " + root + ": " + IoErrors.reason(e), e);
        }
        if (files.isEmpty()) {
            throw new DatasetNotFoundException("no images (" + EXTENSIONS + ") found under " + root + "/<class name>/ — found class folders " + classNames);
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return Files.isRegularFile(p) && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override public int size() { return files.size(); }
    @Override public List<String> classNames() { return classNames; }
    @Override public int channels() { return 3; }
    @Override public int height() { return crop.size(); }
    @Override public int width() { return crop.size(); }

    @Override
    public int label(int index) {
        return labels.get(index);
    }

    public Path file(int index) {
        return files.get(index);
    }

    /** Sample {@code index}; a random crop draws from a generator seeded with the index (the loader passes its own). */
    @Override
    public int read(int index, float[] chw) {
        return read(index, chw, new SplittableRandom(index));
    }

    @Override
    public int read(int index, float[] chw, SplittableRandom rng) {
        crop.apply(FloatImage.read(files.get(index)).withChannels(3), rng, chw);
        return labels.get(index);
    }
}
