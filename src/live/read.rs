//! Reading the live state of the declared scope through the Seqera client.
