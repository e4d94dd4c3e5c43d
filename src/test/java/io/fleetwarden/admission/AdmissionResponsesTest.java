package io.fleetwarden.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AdmissionResponsesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AdmissionResponses responses = new AdmissionResponses(4096, 16);

    @Test
    void longMessageIsCutAndMarked() throws Exception {
        JsonNode response = response(AdmissionDecision.deny("PolicyDenied", "x".repeat(100_000)));

        String message = response.at("/status/message").asText();
        assertThat(message).hasSize(4096).endsWith(AdmissionResponses.TRUNCATED).startsWith("xxxx");
    }

    @Test
    void cutNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00";
        String text = "a".repeat(4096 - AdmissionResponses.TRUNCATED.length() - 1) + emoji + "tail".repeat(10);

        String cut = AdmissionResponses.truncate(text, 4096);

        assertThat(cut).endsWith("a" + AdmissionResponses.TRUNCATED).hasSize(4095);
    }

    @Test
    void warningsAreCutTo256CharactersWithoutControlCharacters() {
        List<String> warnings = responses.boundedWarnings(List.of("line one\nline two\r\u0007", "w".repeat(1000), " ", ""));

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).isEqualTo("line one line two");
        assertThat(warnings.get(1)).hasSize(256).endsWith(AdmissionResponses.TRUNCATED);
    }

    @Test
    void tooManyWarningsEndWithACount() {
        List<String> warnings = responses.boundedWarnings(IntStream.range(0, 40).mapToObj(i -> "warning " + i).toList());

        assertThat(warnings).hasSize(16);
        assertThat(warnings.get(14)).isEqualTo("warning 14");
        assertThat(warnings.get(15)).isEqualTo("fleetwarden omitted 25 more warning(s)");
    }

    @Test
    void warningsStayWithinFourKilobytesInTotal() {
        AdmissionResponses generous = new AdmissionResponses(4096, 100);

        List<String> warnings = generous.boundedWarnings(IntStream.range(0, 30).mapToObj(i -> "w".repeat(300)).toList());

        assertThat(warnings.stream().mapToInt(String::length).sum()).isLessThanOrEqualTo(4096);
        assertThat(warnings).hasSize(16);
        assertThat(warnings.get(15)).isEqualTo("fleetwarden omitted 15 more warning(s)");
    }

    @Test
    void warningsThatFitAreKeptWhole() {
        List<String> sixteen = IntStream.range(0, 16).mapToObj(i -> "w".repeat(256)).toList();

        assertThat(responses.boundedWarnings(sixteen)).isEqualTo(sixteen);
    }

    @Test
    void patchIsBase64JsonPatchOnlyWhenAllowed() throws Exception {
        String patch = "[{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{}}]";

        JsonNode allowed = response(AdmissionDecision.patch("Defaulted", "", List.of(), patch));
        JsonNode denied = response(new AdmissionDecision(false, 403, "PolicyDenied", "no", List.of(), patch));

        assertThat(allowed.get("patchType").asText()).isEqualTo("JSONPatch");
        assertThat(new String(Base64.getDecoder().decode(allowed.get("patch").asText()), StandardCharsets.UTF_8))
                .isEqualTo(patch);
        assertThat(denied.has("patch")).isFalse();
        assertThat(denied.has("patchType")).isFalse();
    }

    @Test
    void internalErrorIsDeniedWith500() {
        AdmissionDecision decision = AdmissionResponses.internalError("uid-1");

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.code()).isEqualTo(500);
        assertThat(decision.reason()).isEqualTo("InternalError");
        assertThat(decision.message()).contains("fleetwarden failed").contains("uid-1");
    }

    private JsonNode response(AdmissionDecision decision) throws Exception {
        JsonNode review = JSON.readTree(responses.review("uid-1", decision));
        assertThat(review.at("/response/uid").asText()).isEqualTo("uid-1");
        return review.get("response");
    }
}
