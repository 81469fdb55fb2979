package io.overlaykit.netlink.internal.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.overlaykit.core.BackendException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Parsing what libnftables prints: table lists, text listings and error buffers. */
class NftListingTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = NftListingTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void tablesOfTheWantedFamiliesWithoutDuplicates() throws IOException {
        String json = resource("list-tables.json");
        assertThat(NftListing.tables(json)).hasSize(4);
        assertThat(NftListing.tableNames(json, Set.of("inet", "ip"))).containsExactly("oknft-t", "nat");
        assertThat(NftListing.tableNames(json, Set.of("ip6"))).containsExactly("nat");
    }

    @Test
    void anEmptyRulesetHasNoTables() {
        assertThat(NftListing.tables("{\"nftables\": [{\"metainfo\": {\"json_schema_version\": 1}}]}")).isEmpty();
    }

    @Test
    void garbageIsABackendError() {
        assertThatThrownBy(() -> NftListing.tables("not json")).isInstanceOf(BackendException.class)
                .hasMessageContaining("not json");
        assertThatThrownBy(() -> NftListing.tables("{\"x\": 1}")).isInstanceOf(BackendException.class);
    }

    @Test
    void ruleLinesArePrefixedWithTheirChain() throws IOException {
        assertThat(NftListing.ruleLines(resource("list-table.txt"))).containsExactly(
                "nat-postrouting: ip saddr 10.1.0.0/24 oifname \"eth0\" ip daddr != 10.1.0.0/24 ct status dnat masquerade",
                "forward: oifname \"br0\" ip daddr 10.1.0.0/24 ct state established,related accept",
                "forward: oifname \"br0\" ip daddr 10.1.0.0/24 drop");
    }

    @Test
    void errorSummaryKeepsNftsTextAndDropsTheCaretLines() {
        String buffer = "internal:0:0-0: Error: transport protocol mapping is only valid after transport "
                + "protocol match\n\n";
        assertThat(NftErrors.summary(buffer))
                .isEqualTo("Error: transport protocol mapping is only valid after transport protocol match");

        String enoent = "Error: Could not process rule: No such file or directory\n"
                + "delete table inet nothere\n                  ^^^^^^^\n";
        assertThat(NftErrors.summary(enoent)).isEqualTo("Error: Could not process rule: No such file or directory");

        String two = "x:1:1-2: Error: first\nx:2:1-2: Error: second\nx:3:1-2: Error: first\n";
        assertThat(NftErrors.summary(two)).isEqualTo("Error: first; Error: second");
    }

    @Test
    void errorSummaryWithoutErrorLines() {
        assertThat(NftErrors.summary("")).contains("without an error message");
        assertThat(NftErrors.summary("something odd\nhappened\n")).isEqualTo("something odd happened");
    }
}
