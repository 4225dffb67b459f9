package io.fastgpu.core.runtime;

/** Asks the user before anything is bought; a front end supplies it (a prompt, a dialog, a flag). */
@FunctionalInterface
public interface CostConfirmer {
    /** @return true to go ahead */
    boolean confirm(String question);

    /** For non-interactive use: refuse, so that nothing is bought without consent. */
    CostConfirmer REFUSE = q -> false;
}
