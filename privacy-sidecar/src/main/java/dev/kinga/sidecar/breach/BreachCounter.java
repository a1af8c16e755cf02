package dev.kinga.sidecar.breach;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The last reference number given in a year (BR-yyyy-nnnn). */
@Entity
@Table(name = "breach_counter")
public class BreachCounter {

    @Id
    @Column(name = "counter_year")
    public int year;

    @Column(name = "last_number")
    public int lastNumber;
}
