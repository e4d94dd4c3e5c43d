package io.fleetwarden;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

@QuarkusMain
public class FleetwardenMain {
    public static void main(String... args) {
        Quarkus.run(args);
    }
}
