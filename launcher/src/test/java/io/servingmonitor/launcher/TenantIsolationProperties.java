package io.servingmonitor.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.servingmonitor.api.Credentials;
import io.servingmonitor.api.client.ServingClient;
import io.servingmonitor.api.client.ServingClient.Reply;
import io.servingmonitor.launcher.TenantWorlds.Reads;
import io.servingmonitor.launcher.TenantWorlds.Tenant;
import io.servingmonitor.launcher.TenantWorlds.World;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * Promise 8, tenants are isolated, over random companies, containers and urls (see
 * {@link TenantWorlds}): every company writes its containers through HTTP, Basic or Bearer, to
 * the whole API in this JVM (the real topology in a {@code TopologyTestDriver}, where every company
 * shares one partition of every store, so a prefix or range scan that reached past a company's keys
 * would show at once); then each company's four read actions answer exactly its own containers,
 * with its own values, and nothing of any other company's, for its own urls and for every other
 * company's.
 */
class TenantIsolationProperties {

    /**
     * 30 worlds from a fixed seed. Each try starts its own API, so a failing world fails again on
     * its own, and jqwik shrinks it (for 10 s at most) to a smaller world that still fails.
     */
    @Property(seed = "8080808", tries = 30, shrinking = ShrinkingMode.BOUNDED)
    void everyCompanyReadsExactlyItsOwnContainers(@ForAll("worlds") World world) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < world.tenants().size(); i++) {
            lines.add(world.tenants().get(i).company() + ":key-" + i + ":secret-" + i);
        }
        try (InProcessApi api = InProcessApi.start(Credentials.of(lines.toArray(String[]::new)))) {
            List<ServingClient> clients = new ArrayList<>();
            for (int i = 0; i < world.tenants().size(); i++) {
                ServingClient client = new ServingClient(api.baseUrl());
                clients.add(i % 2 == 0 ? client.withBasic("key-" + i, "secret-" + i) : client.login("key-" + i, "secret-" + i));
            }
            for (Tenant tenant : world.tenants()) {
                int index = world.index(tenant);
                for (int c = 0; c < tenant.containers().size(); c++) {
                    Reply reply = TenantWorlds.write(clients.get(index), index, tenant.containers().get(c), c);
                    assertThat(reply.status()).as("write of %s: %s", TenantWorlds.describe(world), reply.body()).isEqualTo(200);
                }
            }
            assertThat(api.events()).as("each event carries the company of the credentials that wrote it")
                    .extracting(event -> event.company())
                    .containsExactlyElementsOf(world.tenants().stream()
                            .flatMap(t -> t.containers().stream().map(c -> t.company())).toList());

            for (Tenant tenant : world.tenants()) {
                int index = world.index(tenant);
                Reads reads = TenantWorlds.read(clients.get(index), world, index,
                        TenantWorlds.T0_SEC - 3600, TenantWorlds.T0_SEC + 3600);
                Reads expected = TenantWorlds.expected(world, tenant);
                assertThat(reads).withFailMessage("company %s of %s read %s, expected %s", index, TenantWorlds.describe(world),
                                TenantWorlds.escape(String.valueOf(reads)), TenantWorlds.escape(String.valueOf(expected)))
                        .isEqualTo(expected);
            }
        }
    }

    @Provide
    Arbitrary<World> worlds() {
        return TenantWorlds.worlds();
    }
}
