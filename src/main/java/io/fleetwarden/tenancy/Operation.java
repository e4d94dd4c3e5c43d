package io.fleetwarden.tenancy;

/** Admission operations the tenancy rules look at; the webhook is not registered for CONNECT. */
public enum Operation { CREATE, UPDATE, DELETE }
