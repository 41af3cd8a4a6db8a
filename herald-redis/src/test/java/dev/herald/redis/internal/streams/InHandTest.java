package dev.herald.redis.internal.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InHandTest {

    @Test
    void anEntryIsInHandFromItsReadUntilItIsAcknowledged() {
        InHand inHand = new InHand();
        InHand.Batch first = inHand.add(new String[] {"1-0", "2-0", "3-0"});
        InHand.Batch second = inHand.add(new String[] {"4-0"});

        first.done(1);
        first.done(1); // a second acknowledgement changes nothing
        second.done(0);

        assertThat(inHand.ids()).containsExactlyInAnyOrder("1-0", "3-0");
    }

    @Test
    void aStuckEntryHoldsOnlyItselfInHand() {
        InHand inHand = new InHand();
        InHand.Batch stuck = inHand.add(new String[] {"1-0", "2-0"});
        stuck.done(0);
        for (int read = 0; read < 100; read++) {
            InHand.Batch batch = inHand.add(new String[] {(read + 3) + "-0"});
            batch.done(0);
        }

        assertThat(inHand.ids()).containsExactly("2-0");

        stuck.done(1);
        assertThat(inHand.ids()).isEmpty();
    }

    @Test
    void oneEntryNeverFinishedDoesNotKeepTheFinishedReadsAfterItInHand() {
        InHand inHand = new InHand();
        inHand.add(new String[] {"0-1", "0-2"}).done(1); // "0-1" is never finished: a hung handler
        for (int read = 1; read <= 100_000; read++) {
            InHand.Batch batch = inHand.add(new String[] {read + "-1", read + "-2"});
            batch.done(0);
            batch.done(1);
        }

        assertThat(inHand.batchesKept()).as("reads kept in hand").isLessThanOrEqualTo(InHand.PRUNE_EVERY + 1);
        assertThat(inHand.ids()).containsExactly("0-1");
    }
}
