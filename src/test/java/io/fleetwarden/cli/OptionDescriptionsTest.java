package io.fleetwarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Every command, option and positional parameter says what it is for; this fails when one is added without. */
class OptionDescriptionsTest {

    @Test
    void everyCommandOptionAndParameterHasADescription() {
        List<String> undocumented = new ArrayList<>();
        walk(FleetwardenCli.commandLine(), undocumented);
        assertThat(undocumented).isEmpty();
    }

    private static void walk(CommandLine c, List<String> undocumented) {
        String command = c.getCommandSpec().qualifiedName();
        if (blank(c.getCommandSpec().usageMessage().description())) {
            undocumented.add(command);
        }
        for (OptionSpec o : c.getCommandSpec().options()) {
            check(command + " " + o.longestName(), o, undocumented);
        }
        for (PositionalParamSpec p : c.getCommandSpec().positionalParameters()) {
            check(command + " " + p.paramLabel(), p, undocumented);
        }
        c.getSubcommands().values().forEach(sub -> walk(sub, undocumented));
    }

    private static void check(String what, ArgSpec arg, List<String> undocumented) {
        if (blank(arg.description())) {
            undocumented.add(what);
        }
    }

    private static boolean blank(String[] description) {
        return description == null || String.join("", description).isBlank();
    }
}
