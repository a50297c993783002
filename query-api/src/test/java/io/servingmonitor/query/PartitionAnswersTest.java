package io.servingmonitor.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** One read's answers by partition: each partition answered exactly once, whatever order they come in. */
class PartitionAnswersTest {

    private static final HostInfo COPY_A = new HostInfo("a", 1);
    private static final HostInfo COPY_B = new HostInfo("b", 2);

    @Test
    void completeOnlyOnceEveryLocatedPartitionHasItsAnswer() {
        PartitionAnswers<String> answers = new PartitionAnswers<>();
        answers.expect(List.of(0, 1, 2));

        assertThat(answers.record(List.of(0, 2), "zero and two")).isTrue();
        assertThat(answers.complete()).isFalse();
        assertThat(answers.missing()).containsExactly(1);

        assertThat(answers.record(List.of(1), "one")).isTrue();
        assertThat(answers.complete()).isTrue();
        assertThat(answers.answers()).containsExactly("zero and two", "one");
    }

    @Test
    void anAnswerCoveringAnAnsweredPartitionAgainIsDroppedWholeAndItsOtherPartitionsStayMissing() {
        PartitionAnswers<String> answers = new PartitionAnswers<>();
        answers.expect(List.of(0, 1, 2));
        answers.record(List.of(0), "zero");

        assertThat(answers.record(List.of(0, 1), "zero again and one")).isFalse();

        assertThat(answers.answers()).containsExactly("zero");
        assertThat(answers.missing()).containsExactly(1, 2);
    }

    @Test
    void anAnswerForAPartitionTheReadDoesNotNeedIsDropped() {
        PartitionAnswers<String> answers = new PartitionAnswers<>();
        answers.expect(List.of(0, 1));

        assertThat(answers.record(List.of(1, 7), "one and seven")).isFalse();
        assertThat(answers.record(List.of(1, 1), "one twice")).isFalse();
        assertThat(answers.missing()).containsExactly(0, 1);
    }

    @Test
    void theSameLocatedPartitionsKeepTheAnswersAndOtherOnesStartAgain() {
        PartitionAnswers<String> answers = new PartitionAnswers<>();
        answers.expect(List.of(0, 1));
        answers.record(List.of(0), "zero");

        answers.expect(List.of(1, 0));
        assertThat(answers.has(0)).isTrue();

        answers.expect(List.of(0, 1, 2));
        assertThat(answers.has(0)).isFalse();
        assertThat(answers.answers()).isEmpty();
    }

    @Test
    void aCopyThatRefusedIsPassedOverUntilEveryCopyRefused() {
        PartitionAnswers<String> answers = new PartitionAnswers<>();

        answers.refused(3, COPY_A);
        assertThat(answers.notRefused(3, List.of(COPY_A, COPY_B))).containsExactly(COPY_B);
        assertThat(answers.notRefused(4, List.of(COPY_A, COPY_B))).containsExactly(COPY_A, COPY_B);

        answers.refused(3, COPY_B);
        assertThat(answers.notRefused(3, List.of(COPY_A, COPY_B))).containsExactly(COPY_A, COPY_B);
    }
}
