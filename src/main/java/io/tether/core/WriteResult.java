package io.tether.core;

/** A committed write: the change it made, the document after it, and whether it created the document. */
public record WriteResult(Change change, Document document, boolean created) {}
