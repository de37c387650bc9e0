package dev.jdnn.ops.cuda;

import dev.jdnn.memory.cuda.CudaEvent;
import dev.jdnn.ops.TimeMarks;

/** CUDA time marks: one timing event per mark, recorded on the backend's stream. */
final class CudaTimeMarks extends TimeMarks {
    private final CudaContext ctx;
    private final CudaEvent[] events;

    CudaTimeMarks(CudaContext ctx, int count) {
        super(count);
        this.ctx = ctx;
        events = new CudaEvent[count];
        try {
            for (int i = 0; i < count; i++) events[i] = CudaEvent.create();
        } catch (RuntimeException e) {
            release(); // the events made so far are not leaked
            throw e;
        }
    }

    @Override
    protected void recordNow(int mark) {
        ctx.ensureContext();
        events[mark].record(ctx.cudaStream);
    }

    @Override
    protected double elapsed(int from, int to) {
        ctx.ensureContext();
        return CudaEvent.elapsedMillis(events[from], events[to]);
    }

    @Override
    protected void release() {
        RuntimeException first = null;
        for (CudaEvent e : events) {
            if (e == null) continue;
            try {
                e.close();
            } catch (RuntimeException x) {
                if (first == null) first = x; else first.addSuppressed(x);
            }
        }
        if (first != null) throw first;
    }
}
