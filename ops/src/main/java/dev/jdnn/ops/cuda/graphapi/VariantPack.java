package dev.jdnn.ops.cuda.graphapi;

/**
 * What one execution reads and writes: a pointer per bound tensor uid (device addresses; host addresses for by-value
 * scalars) and the workspace. Built once per set of addresses; a static graph reuses it every step.
 */
public final class VariantPack implements AutoCloseable {
    private final DescriptorScope scope = new DescriptorScope();
    private final BackendDescriptor descriptor;

    /** {@code uids[i]} is at {@code addresses[i]}; {@code workspace} may be 0 when the plan needs none. */
    public VariantPack(long[] uids, long[] addresses, long workspace) {
        if (uids.length != addresses.length) throw new IllegalArgumentException(uids.length + " uids but " + addresses.length + " addresses");
        try {
            this.descriptor = scope.create(DescriptorType.VARIANT_PACK)
                    .setLongs(Attribute.VARIANT_PACK_UNIQUE_IDS, uids)
                    .setAddresses(Attribute.VARIANT_PACK_DATA_POINTERS, addresses)
                    .setAddresses(Attribute.VARIANT_PACK_WORKSPACE, workspace)
                    .finish();
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    BackendDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public void close() {
        scope.close();
    }
}
