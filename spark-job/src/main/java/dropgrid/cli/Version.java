package dropgrid.cli;

import picocli.CommandLine.IVersionProvider;

/** The version baked into the jar's manifest by Maven (falls back to "dev" when run from classes). */
public final class Version implements IVersionProvider {

    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"dropgrid " + current()};
    }
}
