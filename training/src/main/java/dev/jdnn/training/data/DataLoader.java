package dev.jdnn.training.data;

import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prepares batches on a small fixed pool of background threads while the consumer trains on the previous one.
 *
 * <p>Batch images go into {@code prefetch + 1} host buffers allocated once from the given {@link Allocator}
 * (pass a pinned-memory allocator when the backend is CUDA so uploads can be asynchronous DMA): at most
 * {@code prefetch} batches are being prepared while the consumer holds one, so a buffer is always free when a batch
 * is submitted and workers never block. Batches are handed out strictly in order. Every random choice comes from
 * {@link Seeds}, so the batches of epoch e are identical run to run, across thread counts and across a resume.
 */
public final class DataLoader implements AutoCloseable {
    /** batchSize, shuffle each epoch, drop the last partial batch (training) or pad it (evaluation). */
    public record Options(int batchSize, boolean shuffle, boolean dropLast, long seed, int workers, int prefetch) {
        public Options {
            if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            if (workers < 1) throw new IllegalArgumentException("loader needs >= 1 worker thread, got " + workers);
            if (prefetch < 1) throw new IllegalArgumentException("prefetch depth must be >= 1, got " + prefetch);
        }

        public static Options training(int batchSize, long seed) {
            return new Options(batchSize, true, true, seed, defaultWorkers(), 2);
        }

        public static Options evaluation(int batchSize) {
            return new Options(batchSize, false, false, 0, defaultWorkers(), 2);
        }

        private static int defaultWorkers() {
            return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        }
    }

    private final Dataset dataset;
    private final Transform transform;
    private final Options options;
    private final ExecutorService workers;
    private final ArrayDeque<Slot> freeSlots = new ArrayDeque<>();
    private final List<Slot> allSlots = new ArrayList<>();
    private long totalWaitNanos;
    private long lastWaitNanos;

    public DataLoader(Dataset dataset, Transform transform, Options options) {
        this(dataset, transform, options, HostAllocator.global());
    }

    public DataLoader(Dataset dataset, Transform transform, Options options, Allocator bufferAllocator) {
        this.dataset = dataset;
        this.transform = transform == null ? Transform.identity() : transform;
        this.options = options;
        Shape shape = Shape.of(options.batchSize(), dataset.channels(), dataset.height(), dataset.width());
        for (int i = 0; i <= options.prefetch(); i++) {
            Tensor images = Tensor.allocate(bufferAllocator, shape, DType.FLOAT32);
            if (!hasHostSegment(images)) {
                images.close();
                allSlots.forEach(Slot::close);
                throw new IllegalArgumentException("the loader's batch buffers must be host-accessible (host or pinned memory), but the allocator hands out " + images.device() + " memory");
            }
            Slot s = new Slot(images, new int[options.batchSize()], new Transform.ImageBuffer(dataset.channels(), dataset.height(), dataset.width()));
            allSlots.add(s);
            freeSlots.add(s);
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "jdnn-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static boolean hasHostSegment(Tensor t) {
        try {
            t.buffer().hostSegment();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    public Dataset dataset() {
        return dataset;
    }

    public Options options() {
        return options;
    }

    public int batchesPerEpoch() {
        int n = dataset.size(), b = options.batchSize();
        return options.dropLast() ? n / b : (n + b - 1) / b;
    }

    /** Nanoseconds the consumer spent blocked in {@code next()} in total, and in the latest call. */
    public long totalWaitNanos() {
        return totalWaitNanos;
    }

    public long lastWaitNanos() {
        return lastWaitNanos;
    }

    /** The batches of {@code epoch} from batch {@code startBatch} on (a resumed run starts mid-epoch). */
    public Epoch epoch(int epoch, int startBatch) {
        return new Epoch(epoch, startBatch);
    }

    public Epoch epoch(int epoch) {
        return epoch(epoch, 0);
    }

    /** In-order iteration over one epoch; closing it (or finishing it) waits for in-flight batches. */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private int nextToSubmit;
        private Slot current;

        private Epoch(int epoch, int startBatch) {
            if (startBatch < 0 || startBatch > batchesPerEpoch()) throw new IllegalArgumentException("start batch " + startBatch + " outside [0, " + batchesPerEpoch() + "]");
            this.epoch = epoch;
            this.order = Seeds.epochOrder(options.seed(), epoch, dataset.size(), options.shuffle());
            this.nextToSubmit = startBatch;
            fill();
        }

        private void fill() {
            while (pending.size() < options.prefetch() && nextToSubmit < batchesPerEpoch()) {
                Slot slot = freeSlots.poll();
                if (slot == null) throw new IllegalStateException("no free batch buffer: another epoch of this loader is still open");
                int index = nextToSubmit++;
                pending.add(new Pending(slot, workers.submit(() -> prepare(slot, index))));
            }
        }

        private Batch prepare(Slot slot, int index) {
            int b = options.batchSize(), start = index * b, count = Math.min(b, dataset.size() - start);
            int sample = dataset.sampleSize();
            MemorySegment dst = slot.images.hostSegment();
            for (int k = 0; k < b; k++) {
                if (k >= count) { // evaluation padding: zero image, label 0, ignored by the consumer
                    dst.asSlice((long) k * sample * 4, (long) sample * 4).fill((byte) 0);
                    slot.labels[k] = 0;
                    continue;
                }
                int i = order[start + k];
                SplittableRandom rng = Seeds.sampleRandom(options.seed(), epoch, i);
                slot.labels[k] = dataset.read(i, slot.image.data(), rng); // a random crop draws first, the augmentation next
                transform.apply(slot.image, rng);
                MemorySegment.copy(slot.image.data(), 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, (long) k * sample * 4, sample);
            }
            return new Batch(index, count, slot.images, slot.labels);
        }

        @Override
        public boolean hasNext() {
            return !pending.isEmpty();
        }

        /** The next batch; the previous one's buffer is reused from here on. */
        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("epoch " + epoch + " has no more batches");
            releaseCurrent();
            Pending p = pending.poll();
            long t0 = System.nanoTime();
            Batch batch;
            try {
                batch = p.future.get();
            } catch (ExecutionException e) {
                freeSlots.add(p.slot);
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException("loading a batch failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                freeSlots.add(p.slot);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the data loader", e);
            } finally {
                lastWaitNanos = System.nanoTime() - t0;
                totalWaitNanos += lastWaitNanos;
            }
            current = p.slot;
            fill();
            return batch;
        }

        private void releaseCurrent() {
            if (current != null) {
                freeSlots.add(current);
                current = null;
            }
        }

        @Override
        public void close() {
            releaseCurrent();
            while (!pending.isEmpty()) {
                Pending p = pending.poll();
                // cancel() fails for a batch a worker already started: wait for it, it is still writing the buffer
                if (!p.future.cancel(false)) {
                    try {
                        p.future.get();
                    } catch (Exception ignored) {
                        // it failed: either way the worker is done with the buffer
                    }
                }
                freeSlots.add(p.slot);
            }
        }
    }

    private record Pending(Slot slot, Future<Batch> future) {}

    private record Slot(Tensor images, int[] labels, Transform.ImageBuffer image) implements AutoCloseable {
        @Override
        public void close() {
            images.close();
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS); // never free a buffer a worker still writes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allSlots.forEach(Slot::close);
    }
}
