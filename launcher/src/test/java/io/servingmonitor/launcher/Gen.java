package io.servingmonitor.launcher;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * A generator of test values drawn from a {@link Random}, and the few ways of combining them the
 * generated tests need: a value among some, numbers in a range, text from a pool of characters,
 * weighted choice, lists. {@link #forAll} runs a check over a number of generated values from a
 * fixed seed and names the seed and the try in any failure, so a failing run can be repeated.
 */
@FunctionalInterface
interface Gen<T> {

    T next(Random random);

    default <U> Gen<U> map(Function<? super T, ? extends U> f) {
        return random -> f.apply(next(random));
    }

    default <U> Gen<U> flatMap(Function<? super T, ? extends Gen<? extends U>> f) {
        return random -> f.apply(next(random)).next(random);
    }

    /** {@code null} with probability {@code p}, else a value of this generator. */
    default Gen<T> orNull(double p) {
        return random -> random.nextDouble() < p ? null : next(random);
    }

    /** Lists of {@code min} to {@code max} (inclusive) values of this generator. */
    default Gen<List<T>> list(int min, int max) {
        return random -> {
            int size = min + random.nextInt(max - min + 1);
            List<T> list = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                list.add(next(random));
            }
            return list;
        };
    }

    /** As {@link #list}, without two values of the same {@code key} (a value whose key is taken is drawn again, a few times). */
    default Gen<List<T>> uniqueList(int min, int max, Function<? super T, ?> key) {
        return random -> {
            int size = min + random.nextInt(max - min + 1);
            List<T> list = new ArrayList<>(size);
            Set<Object> keys = new HashSet<>();
            for (int attempts = 0; list.size() < size && attempts < 100 * size; attempts++) {
                T value = next(random);
                if (keys.add(key.apply(value))) {
                    list.add(value);
                }
            }
            if (list.size() < min) {
                throw new IllegalStateException("no " + min + " values with distinct keys in " + 100 * size + " draws");
            }
            return list;
        };
    }

    // ---- sources ----

    static <T> Gen<T> just(T value) {
        return random -> value;
    }

    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        return of(List.of(values));
    }

    /** One of {@code values}, equally likely. */
    static <T> Gen<T> of(List<? extends T> values) {
        List<? extends T> copy = List.copyOf(values);
        return random -> copy.get(random.nextInt(copy.size()));
    }

    /** {@code min} to {@code max}, both included. */
    static Gen<Integer> ints(int min, int max) {
        return random -> random.nextInt(min, max + 1);
    }

    /** {@code min} to {@code max}, both included. */
    static Gen<Long> longs(long min, long max) {
        return random -> random.nextLong(min, max + 1);
    }

    /** Any long: small ones, the extremes, and any of the whole range. */
    static Gen<Long> longs() {
        return frequency(
                weighted(3, random -> random.nextLong()),
                weighted(2, random -> (long) random.nextInt(2001) - 1000),
                weighted(1, of(0L, 1L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, Long.MIN_VALUE + 1)));
    }

    /** {@code min} (included) to {@code max}. */
    static Gen<Double> doubles(double min, double max) {
        return random -> random.nextDouble(min, max);
    }

    /** Any finite double, of any magnitude and sign, with the awkward ones often. */
    static Gen<Double> doubles() {
        return frequency(
                weighted(4, random -> (random.nextDouble() * 2 - 1) * Math.pow(10, random.nextInt(617) - 308)),
                weighted(1, of(0.0, -0.0, 1.0, -1.0, 0.5, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
                        Double.MIN_NORMAL, 1e15 + 0.5)));
    }

    static Gen<Boolean> booleans() {
        return Random::nextBoolean;
    }

    /** {@code min} to {@code max}, both included. */
    static Gen<Character> chars(char min, char max) {
        return random -> (char) (min + random.nextInt(max - min + 1));
    }

    /** Texts of {@code minLength} to {@code maxLength} characters of {@code chars}. */
    static Gen<String> strings(Gen<Character> chars, int minLength, int maxLength) {
        return chars.list(minLength, maxLength).map(list -> {
            StringBuilder text = new StringBuilder(list.size());
            list.forEach(text::append);
            return text.toString();
        });
    }

    /** Arrays of 0 to {@code maxSize} random bytes. */
    static Gen<byte[]> bytes(int maxSize) {
        return random -> {
            byte[] bytes = new byte[random.nextInt(maxSize + 1)];
            random.nextBytes(bytes);
            return bytes;
        };
    }

    /** {@code min} to {@code max} distinct values of {@code pool}, in the order of the pool. */
    static <T> Gen<List<T>> subsetOf(List<T> pool, int min, int max) {
        return random -> {
            List<T> shuffled = new ArrayList<>(pool);
            Collections.shuffle(shuffled, random);
            Set<T> chosen = new HashSet<>(shuffled.subList(0, min + random.nextInt(max - min + 1)));
            return pool.stream().filter(chosen::contains).toList();
        };
    }

    // ---- weighted choice ----

    record Weighted<T>(int weight, Gen<? extends T> gen) {
    }

    static <T> Weighted<T> weighted(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    /** A value of one of the generators, each chosen in proportion to its weight. */
    @SafeVarargs
    static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
        int total = 0;
        for (Weighted<? extends T> choice : choices) {
            total += choice.weight();
        }
        int sum = total;
        return random -> {
            int pick = random.nextInt(sum);
            for (Weighted<? extends T> choice : choices) {
                pick -= choice.weight();
                if (pick < 0) {
                    return choice.gen().next(random);
                }
            }
            throw new AssertionError("unreachable");
        };
    }

    // ---- running a check over generated values ----

    /** A check of one generated value. */
    @FunctionalInterface
    interface Check<T> {
        void accept(T value) throws Exception;
    }

    /**
     * Checks {@code tries} values of {@code gen}, each drawn from its own {@link Random} whose seed
     * comes from {@code seed}: the same seed draws the same values in the same order. The first
     * failing try ends the run, reported with the seed, the try and the value.
     */
    static <T> void forAll(long seed, int tries, Gen<T> gen, Check<? super T> check) {
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 1; i <= tries; i++) {
            long caseSeed = seeds.nextLong();
            T value = gen.next(new Random(caseSeed));
            try {
                check.accept(value);
            } catch (Throwable e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new AssertionError("try " + i + " of " + tries + " failed (seed " + seed + ", value drawn from new Random("
                        + caseSeed + "L)): " + e + "\n  value: " + value, e);
            }
        }
    }
}
