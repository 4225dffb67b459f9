package io.fastgpu.core.events;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;

import java.util.concurrent.CopyOnWriteArrayList;

/** Fans events out to every subscriber: the console, a run's log file, the state store, a dashboard. */
public final class EventBus implements EventListener {
    private final CopyOnWriteArrayList<EventListener> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener; close the returned handle to remove it. */
    public AutoCloseable subscribe(EventListener l) {
        listeners.add(l);
        return () -> listeners.remove(l);
    }

    @Override
    public void on(Event event) {
        for (EventListener l : listeners) l.on(event);
    }
}
